using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using VerbRing.Kernel.Namespaces;
using VerbRing.Verbs.Programs;
using VerbRing.Verbs.Time;

namespace VerbRing.Kernel.Tracing;

/// <summary>How <see cref="TraceSnapshot"/> runs a program: the ring, what it can reach, how long it may take.</summary>
public sealed record SnapshotOptions
{
    /// <summary>The ring's shape and policy (<see cref="RingOptions.Policy"/>: what the ring may do).</summary>
    public RingOptions Ring { get; init; } = new();

    /// <summary>The namespace the program sees; null: a fresh, empty in-memory one (fill a <see cref="MemoryNamespace"/> to seed files).</summary>
    public INamespace? Files { get; init; }

    /// <summary>The deadline, on the virtual clock (it costs no real time): steps still missing then are cancelled and marked.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);
}

/// <summary>
/// A deterministic snapshot of one run of a program, for snapshot tests of your own chains: it runs the program once
/// on a fresh in-process ring under a virtual clock — sleeps and timeouts cost no real time and their order never
/// depends on the machine — and renders the trace as text (what <c>verbring run</c> prints), as indented JSON (what
/// <c>--json</c> prints) and as a Chrome trace timeline. None of them holds a machine-dependent value: no wall-clock
/// time, no host path, no address but the fixed user-memory base's. Compare one with an approved copy
/// (<c>snapshot.Text.ShouldMatchApproved()</c> with Shouldly; examples/SnapshotTests).
/// </summary>
public sealed class TraceSnapshot
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private TraceSnapshot(TracedRun run)
    {
        Run = run;
        Text = TraceRenderer.RenderText(run);
        Json = JsonNode.Parse(TraceRenderer.RenderJson(run))!.ToJsonString(Indented).ReplaceLineEndings("\n") + "\n";
        Timeline = ChromeTrace.Render(run, "snapshot").ReplaceLineEndings("\n") + "\n";
    }

    /// <summary>The run itself (completions, registers, trace entries), for assertions beyond the snapshot.</summary>
    public TracedRun Run { get; }

    /// <summary>The trace as aligned text, one row per completion, then the registers: <c>verbring run</c>'s output.</summary>
    public string Text { get; }

    /// <summary>The trace as indented JSON: <c>verbring run --json</c>'s object.</summary>
    public string Json { get; }

    /// <summary>The run as Chrome trace-event JSON (<see cref="ChromeTrace"/>), its times on the virtual clock.</summary>
    public string Timeline { get; }

    /// <summary>Runs <paramref name="program"/> once under a virtual clock and snapshots the run.</summary>
    public static TraceSnapshot Of(LinkedProgram program, SnapshotOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(program);
        options ??= new SnapshotOptions();
        var clock = new ManualClock();
        var factory = RingFactory.CreateDefault(fileSystem: options.Files ?? new MemoryNamespace(), time: clock);
        return new TraceSnapshot(ProgramHost.Run(factory, program, options.Ring, options.Timeout, clock));
    }

    /// <summary>
    /// Assembles, checks and links <paramref name="source"/> (the <c>.vr</c> format, spec/assembly.md) for the ring
    /// of <paramref name="options"/>, then snapshots one run of it; throws <see cref="ProgramException"/> when the
    /// program has errors (each one file:line:column, <paramref name="file"/> naming it).
    /// </summary>
    public static TraceSnapshot Of(string source, SnapshotOptions? options = null, string file = "program.vr")
    {
        ArgumentNullException.ThrowIfNull(source);
        options ??= new SnapshotOptions();
        var program = LinkedProgram.FromText(source, file, ProgramHost.CapacityOf(options.Ring));
        return Of(program, options);
    }

    /// <summary>The text snapshot.</summary>
    public override string ToString() => Text;
}
