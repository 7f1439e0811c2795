using VerbRing.Verbs;
using VerbRing.Verbs.Programs;

namespace VerbRing.Kernel.Tracing;

/// <summary>A program's run together with its trace.</summary>
/// <param name="Run">Completions by step and the final registers.</param>
/// <param name="Trace">Every operation as the kernel finished it.</param>
/// <param name="Loaded">The program as placed in the ring (addresses, SQEs).</param>
public sealed record TracedRun(ProgramRun Run, IReadOnlyList<TraceEntry> Trace, LoadedProgram Loaded);

/// <summary>Runs a linked program on a fresh ring of a factory, recording its trace: what <c>verbring run</c> does.</summary>
public static class ProgramHost
{
    /// <summary>Creates a ring, loads the program, runs it once with a trace, tears the ring down.</summary>
    public static TracedRun Run(IRingFactory factory, LinkedProgram program, RingOptions options, TimeSpan timeout, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(factory);
        ArgumentNullException.ThrowIfNull(program);
        var recorder = new TraceRecorder();
        using var ring = factory.Create(options, recorder);
        recorder.Attach(ring);
        var loaded = program.LoadInto(ring);
        var run = loaded.Run(timeout, time);
        return new TracedRun(run, recorder.Entries, loaded);
    }

    /// <summary>The ring shape a program is checked against for these options.</summary>
    public static RingShape ShapeOf(RingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new RingShape(options.SqEntries, options.UserMemorySize);
    }
}
