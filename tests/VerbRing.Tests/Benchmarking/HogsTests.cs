using System.Diagnostics;
using VerbRing.Kernel.Benchmarking;

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

    /// <summary>The user plus system clock ticks the process has used (fields 14 and 15 of /proc/PID/stat).</summary>
    private static long BusyTicks(int id)
    {
        var stat = File.ReadAllText($"/proc/{id}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return long.Parse(fields[11], System.Globalization.CultureInfo.InvariantCulture) + long.Parse(fields[12], System.Globalization.CultureInfo.InvariantCulture);
    }
}
