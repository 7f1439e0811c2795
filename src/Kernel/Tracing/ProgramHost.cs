using VerbRing.Registers;
using VerbRing.Verbs;
using VerbRing.Verbs.Programs;

namespace VerbRing.Kernel.Tracing;

/// <summary>A program's run together with its trace.</summary>
/// <param name="Run">Completions by step and the final registers.</param>
/// <param name="Trace">Every operation as the kernel finished it.</param>
/// <param name="Loaded">The program as placed in the ring (addresses, SQEs).</param>
/// <param name="Remote">The kernel was in another process: the trace is rebuilt by the client (<see cref="RemoteTrace"/>).</param>
public sealed record TracedRun(ProgramRun Run, IReadOnlyList<TraceEntry> Trace, LoadedProgram Loaded, bool Remote = false);

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

    /// <summary>
    /// Runs a linked program once on a ring whose kernel is elsewhere (a server): no kernel observer reaches
    /// across that boundary, so the trace is rebuilt from what the client knows (<see cref="RemoteTrace"/>). Disposes the ring.
    /// </summary>
    public static TracedRun Run(IoRing ring, LinkedProgram program, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(ring);
        ArgumentNullException.ThrowIfNull(program);
        using (ring)
        {
            var loaded = program.LoadInto(ring);
            var run = loaded.Run(timeout);
            return new TracedRun(run, RemoteTrace.Rebuild(loaded, run, ring.Region), loaded, Remote: true);
        }
    }

    /// <summary>The ring capacity a program is checked against for these options.</summary>
    public static RingCapacity CapacityOf(RingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new RingCapacity(options.SqEntries, options.UserMemorySize);
    }
}
