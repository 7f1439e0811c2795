using System.Diagnostics;
using VerbRing.Kernel;
using VerbRing.Kernel.Server;
using VerbRing.Tests.Infrastructure;

namespace VerbRing.Tests.Programs;

/// <summary>
/// <c>verbring run</c> against issue 14's wedge: the two reproducers that used to spin a core forever now finish,
/// and POLLs that nothing wakes end at the deadline with exit 3, every missing step reported as cancelled. These use
/// the wall clock (a one-second deadline), because ending on time is what they prove.
/// </summary>
public sealed class DeadlineCliTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("verbring-deadline-").FullName;
    private RingServer? _server;

    public void Dispose()
    {
        _server?.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    [Theory]
    [InlineData("InProcess", "2", WedgePrograms.ReadLinkedToNop)]
    [InlineData("KernelThread", "2", WedgePrograms.ReadLinkedToNop)]
    [InlineData("Server", "2", WedgePrograms.ReadLinkedToNop)]
    [InlineData("InProcess", "8", null)]
    [InlineData("KernelThread", "8", null)]
    [InlineData("Server", "8", null)]
    public void Run_WedgeReproducer_CompletesEveryStepInsteadOfSpinning(string kernel, string entries, string? program)
    {
        program ??= WedgePrograms.PollMany;
        var file = Write(program);
        var clock = Stopwatch.StartNew();

        var result = CliRunner.Run(["run", file, "--sq", entries, "--cq", entries, "--timeout", "1s", .. On(kernel)]);

        result.ExitCode.ShouldBe(0, result.Error);
        clock.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(10));
        var rows = Rows(result.Out);
        rows.Count.ShouldBe(program.Split('\n').Count(l => l.TrimStart().Length > 0 && !l.TrimStart().StartsWith("data", StringComparison.Ordinal) && !l.TrimStart().StartsWith("buffer", StringComparison.Ordinal)));
        rows.ShouldAllBe(r => r.Contains(" OK", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("InProcess")]
    [InlineData("KernelThread")]
    [InlineData("Server")]
    public void Run_ThousandsOfPollsNothingWakes_EndAtTheDeadlineWithExit3AndEveryStepReportedCancelled(string kernel)
    {
        const int Polls = 2000;
        var file = Write(WedgePrograms.PollsNothingWakes(Polls));
        var clock = Stopwatch.StartNew();

        var result = CliRunner.Run(["run", file, "--sq", "8", "--cq", "8", "--timeout", "1s", .. On(kernel)]);

        result.ExitCode.ShouldBe(3, result.Error);
        clock.Elapsed.ShouldBeGreaterThanOrEqualTo(TimeSpan.FromSeconds(1), "it waited for the deadline");
        clock.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(10), "and ended in seconds");
        result.Error.ShouldBe($"verbring: steps 1-{Polls} had not completed after 1 s and were cancelled\n".ReplaceLineEndings());
        result.Out.ShouldContain($"* had not completed at the deadline and was cancelled: steps 1-{Polls}");
        var cancelled = Rows(result.Out).Where(r => r.Contains('*', StringComparison.Ordinal)).ToList();
        cancelled.Count.ShouldBe(Polls);
        cancelled.ShouldAllBe(r => r.Contains("ECANCELED", StringComparison.Ordinal));
    }

    /// <summary>The options that put the run on <paramref name="kernel"/>: a server is started for "Server".</summary>
    private string[] On(string kernel)
    {
        if (kernel != "Server")
        {
            return ["--kernel", kernel == "KernelThread" ? "kernel-thread" : "in-process"];
        }

        _server = new RingServer(RingFactory.CreateDefault(), Path.Combine(_folder, "s.sock"));
        return ["--connect", _server.SocketPath];
    }

    private static List<string> Rows(string output) =>
        [.. output.Split('\n').Where(l => l.Length > 0 && char.IsDigit(l.TrimStart()[0]))];

    private string Write(string program)
    {
        var file = Path.Combine(_folder, $"{Guid.NewGuid():N}.vr");
        File.WriteAllText(file, program);
        return file;
    }
}
