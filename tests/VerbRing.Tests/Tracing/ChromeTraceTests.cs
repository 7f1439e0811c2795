using System.Text.Json;
using VerbRing.Kernel;
using VerbRing.Kernel.Tracing;
using VerbRing.Tests.Infrastructure;
using VerbRing.Verbs.Programs;
using VerbRing.Verbs.Time;

namespace VerbRing.Tests.Tracing;

/// <summary>
/// <c>verbring run --trace-out</c> and <see cref="ChromeTrace"/>: Chrome trace-event JSON that Perfetto opens — every
/// event with its ph/ts/pid/tid, every step one complete span named by its verb, step and line, spans in time order,
/// a pending step's span as long as it pended; the same file on every virtual-time run, and from a server's records.
/// </summary>
public sealed class ChromeTraceTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("verbring-chrome-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    public static TheoryData<string, string[]> Runs() => new()
    {
        { "tests/VerbRing.Tests/Snapshots/Programs/pending.vr", ["--virtual-time"] },
        { "tests/VerbRing.Tests/Snapshots/Programs/cancel.vr", ["--virtual-time"] },
        { "tests/VerbRing.Tests/Snapshots/Programs/deadline.vr", ["--virtual-time", "--timeout", "2s"] },
        { "examples/hello.vr", ["--kernel", "server"] },
        { "examples/failing.vr", ["--kernel", "kernel-thread"] },
    };

    [Theory]
    [MemberData(nameof(Runs))]
    public void TraceOut_Program_IsTraceEventJsonWithASpanPerStepInTimeOrder(string program, string[] options)
    {
        var file = Path.Combine(_folder, "trace.json");
        var run = CliRunner.Run(["run", Repository.PathOf(program), "--trace-out", file, .. options]);
        run.Error.ShouldNotContain("   at ");

        using var document = JsonDocument.Parse(File.ReadAllText(file));
        var events = document.RootElement.GetProperty("traceEvents").EnumerateArray().ToList();
        foreach (var e in events)
        {
            foreach (var field in new[] { "name", "ph", "ts", "pid", "tid" })
            {
                e.TryGetProperty(field, out _).ShouldBeTrue($"every event has {field}: {e}");
            }

            if (e.GetProperty("ph").GetString() == "X")
            {
                e.GetProperty("dur").GetDecimal().ShouldBeGreaterThanOrEqualTo(0m);
            }
        }

        var timestamps = events.Select(e => e.GetProperty("ts").GetDecimal()).ToList();
        timestamps.ShouldBe(timestamps.Order().ToList(), "events in time order");

        var linked = LinkedProgram.FromText(File.ReadAllText(Repository.PathOf(program)), program, new RingCapacity());
        var steps = events.Where(e => e.TryGetProperty("cat", out var c) && c.GetString() == "step").ToList();
        steps.Select(s => s.GetProperty("args").GetProperty("step").GetInt32()).Order().ShouldBe(Enumerable.Range(0, linked.Sqes.Length), "one span per step");
        foreach (var span in steps)
        {
            var step = span.GetProperty("args").GetProperty("step").GetInt32();
            var source = linked.Source.Steps[step];
            span.GetProperty("ph").GetString().ShouldBe("X");
            span.GetProperty("name").GetString()!.ShouldStartWith($"{source.Verb.Name.ToUpperInvariant()} step {step}");
            span.GetProperty("name").GetString()!.ShouldEndWith($"(line {source.Where.Line})");
        }

        events.Count(e => e.TryGetProperty("cat", out var c) && c.GetString() == "enter").ShouldBeGreaterThan(0, "enters are spans too");

        // On one track, two spans are apart or one holds the other: a viewer draws them as a stack, never crossed.
        foreach (var track in events.Where(e => e.GetProperty("ph").GetString() == "X").GroupBy(e => e.GetProperty("tid").GetInt32()))
        {
            var spans = track.Select(e => (Start: e.GetProperty("ts").GetDecimal(), End: e.GetProperty("ts").GetDecimal() + e.GetProperty("dur").GetDecimal())).ToList();
            foreach (var a in spans)
            {
                spans.ShouldAllBe(b => b.End <= a.Start || a.End <= b.Start || (a.Start <= b.Start && b.End <= a.End) || (b.Start <= a.Start && a.End <= b.End));
            }
        }
    }

    [Fact]
    public void TraceOut_PendingRead_SpansFromDispatchToTheWriteThatWokeIt()
    {
        var file = Path.Combine(_folder, "pending.json");
        CliRunner.Run("run", Repository.PathOf("tests/VerbRing.Tests/Snapshots/Programs/pending.vr"), "--virtual-time", "--trace-out", file).ExitCode.ShouldBe(0);

        var spans = Spans(file);
        var read = spans.Single(s => s.Name.StartsWith("READ step 1", StringComparison.Ordinal));
        var sleep = spans.Single(s => s.Name.StartsWith("NOP step 3", StringComparison.Ordinal));
        var write = spans.Single(s => s.Name.StartsWith("WRITE step 4", StringComparison.Ordinal));
        read.Ts.ShouldBe(0m, "dispatched by the first enter");
        sleep.Dur.ShouldBe(5000m, "the NOP sleeps 5 ms (timeout 5ms) on the virtual clock");
        write.Ts.ShouldBe(sleep.Ts + sleep.Dur, "the WRITE is dispatched when its predecessor completes");
        (read.Ts + read.Dur).ShouldBe(write.Ts + write.Dur, "the READ pends until the WRITE wakes it");
    }

    [Fact]
    public void TraceOut_VirtualTime_IsTheSameFileEveryRun()
    {
        var first = Path.Combine(_folder, "a.json");
        var second = Path.Combine(_folder, "b.json");
        var program = Repository.PathOf("tests/VerbRing.Tests/Snapshots/Programs/timeouts.vr");
        CliRunner.Run("run", program, "--virtual-time", "--trace-out", first);
        CliRunner.Run("run", program, "--virtual-time", "--trace-out", second);

        File.ReadAllText(second).ShouldBe(File.ReadAllText(first));
    }

    [Fact]
    public void Render_FromTheCSharpApi_HasTheRunsSteps()
    {
        var clock = new ManualClock();
        var program = new ProgramBuilder();
        program.Nop().Timeout(TimeSpan.FromMilliseconds(3)).Link();
        program.Nop();
        var traced = ProgramHost.Run(RingFactory.CreateDefault(time: clock), program.Build(), new RingOptions(), TimeSpan.FromSeconds(10), clock);

        using var document = JsonDocument.Parse(ChromeTrace.Render(traced));

        var steps = document.RootElement.GetProperty("traceEvents").EnumerateArray().Where(e => e.TryGetProperty("cat", out var c) && c.GetString() == "step").ToList();
        steps.Count.ShouldBe(2);
        steps[0].GetProperty("dur").GetDecimal().ShouldBe(3000m);
        steps[1].GetProperty("ts").GetDecimal().ShouldBe(3000m, "the member is dispatched when the sleep completes");
    }

    [Fact]
    public void Render_OfYourOwnRingWithATraceRecorder_HasItsEntersAndSteps()
    {
        var clock = new ManualClock();
        var recorder = new TraceRecorder();
        using var ring = RingFactory.CreateDefault(time: clock).Create(observer: recorder);
        recorder.Attach(ring);
        var program = new ProgramBuilder();
        program.Nop().Link();
        program.Nop();
        var loaded = program.Build().LoadInto(ring);
        var run = loaded.Run(TimeSpan.FromSeconds(10), clock);

        using var document = JsonDocument.Parse(ChromeTrace.Render(recorder.ToTracedRun(loaded, run)));

        var events = document.RootElement.GetProperty("traceEvents").EnumerateArray().ToList();
        events.Count(e => e.TryGetProperty("cat", out var c) && c.GetString() == "step").ShouldBe(2);
        events.Count(e => e.TryGetProperty("cat", out var c) && c.GetString() == "enter").ShouldBe(recorder.Enters.Count);
        recorder.Enters.ShouldNotBeEmpty();
    }

    [Fact]
    public void TraceOut_UnwritableFile_IsOneLineAndExit1()
    {
        var result = CliRunner.Run("run", Repository.PathOf("examples/hello.vr"), "--trace-out", Path.Combine(_folder, "missing", "t.json"));

        result.ExitCode.ShouldBe(1);
        result.Error.ShouldStartWith("verbring: --trace-out ");
        result.Error.Trim().ShouldNotContain("\n");
    }

    private static List<(string Name, decimal Ts, decimal Dur)> Spans(string file)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(file));
        return [.. document.RootElement.GetProperty("traceEvents").EnumerateArray()
            .Where(e => e.GetProperty("ph").GetString() == "X")
            .Select(e => (e.GetProperty("name").GetString()!, e.GetProperty("ts").GetDecimal(), e.GetProperty("dur").GetDecimal()))];
    }
}
