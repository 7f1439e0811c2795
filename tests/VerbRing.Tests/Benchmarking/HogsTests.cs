using System.Diagnostics;
using VerbRing.Tests.Infrastructure;
using VerbRing.Tooling.Benchmarking;

namespace VerbRing.Tests.Benchmarking;

/// <summary>
/// The busy processes <c>verbring bench --hogs</c> runs beside its measurements: real processes, really busy, gone
/// after Dispose, and gone on their own once their lifetime ends even if nobody disposes them.
/// </summary>
public sealed class HogsTests
{
    [Fact]
    public void Start_RunsBusyProcesses_ThatDisposeKills()
    {
        int[] ids;
        using (var hogs = Hogs.Start(2, TimeSpan.FromMinutes(1)))
        {
            ids = [.. hogs.ProcessIds];
            ids.Length.ShouldBe(2);
            hogs.AllRunning.ShouldBeTrue();
            SpinWait.SpinUntil(() => ids.All(id => BusyTicks(id) >= 5), TimeSpan.FromSeconds(60))
                .ShouldBeTrue("each hog burns CPU (5 clock ticks: 50 ms) rather than sleeping");
        }

        ids.ShouldAllBe(id => !File.Exists($"/proc/{id}/stat"), "a disposed hog is killed and reaped");
    }

    [Fact]
    public void Start_Zero_StartsNothing()
    {
        using var hogs = Hogs.Start(0, TimeSpan.FromMinutes(1));

        hogs.Count.ShouldBe(0);
        hogs.AllRunning.ShouldBeTrue();
    }

    [Fact]
    public void Hog_PastItsLifetime_StopsByItself()
    {
        using var hogs = Hogs.Start(1, TimeSpan.FromSeconds(1));
        using var hog = Process.GetProcessById(hogs.ProcessIds[0]);

        hog.WaitForExit(TimeSpan.FromSeconds(30)).ShouldBeTrue("a hog orphaned by a killed bench still ends");
        hogs.AllRunning.ShouldBeFalse();
    }

    [Fact]
    public void Bench_InterruptedWithCtrlC_KillsItsHogs()
    {
        using var bench = CliRunner.Start("bench", "--kernel", "in-process", "--hogs", "2", "--sample-ms", "1000", "--samples", "100");
        try
        {
            int[] hogs = [];
            SpinWait.SpinUntil(() => (hogs = HogsOf(bench.Id)).Length == 2, TimeSpan.FromSeconds(60)).ShouldBeTrue("bench starts two hogs");

            using (var interrupt = Process.Start("kill", ["-INT", bench.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                interrupt.WaitForExit();
            }

            bench.WaitForExit(TimeSpan.FromSeconds(60)).ShouldBeTrue("SIGINT ends bench");
            SpinWait.SpinUntil(() => hogs.All(id => !IsAlive(id)), TimeSpan.FromSeconds(30)).ShouldBeTrue("no hog outlives an interrupted bench");
        }
        finally
        {
            if (!bench.HasExited)
            {
                bench.Kill(entireProcessTree: true);
            }
        }
    }

    /// <summary>The hogs (shells named verbring-hog) whose parent is <paramref name="parent"/>.</summary>
    private static int[] HogsOf(int parent) =>
        [.. Directory.EnumerateDirectories("/proc")
            .Select(Path.GetFileName)
            .Where(name => int.TryParse(name, out _))
            .Select(name => int.Parse(name!, System.Globalization.CultureInfo.InvariantCulture))
            .Where(id => Read($"/proc/{id}/cmdline").Contains("verbring-hog", StringComparison.Ordinal) && ParentOf(id) == parent)];

    /// <summary>Whether the process exists and is not a zombie waiting to be reaped.</summary>
    private static bool IsAlive(int id) => Read($"/proc/{id}/stat") is { Length: > 0 } stat && stat[(stat.LastIndexOf(')') + 2)] != 'Z';

    private static int ParentOf(int id) =>
        Read($"/proc/{id}/stat") is { Length: > 0 } stat
            ? int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture)
            : -1;

    private static string Read(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return ""; // the process ended while we looked
        }
    }

    /// <summary>The user plus system clock ticks the process has used (fields 14 and 15 of /proc/PID/stat).</summary>
    private static long BusyTicks(int id)
    {
        var stat = File.ReadAllText($"/proc/{id}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return long.Parse(fields[11], System.Globalization.CultureInfo.InvariantCulture) + long.Parse(fields[12], System.Globalization.CultureInfo.InvariantCulture);
    }
}
