using VerbRing.Registers;
using VerbRing.Verbs;
using VerbRing.Verbs.Client;
using VerbRing.Verbs.Programs;

namespace VerbRing.Kernel.Tracing;

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
        return recorder.ToTracedRun(loaded, run);
    }

    /// <summary>
    /// Connects to the server at <paramref name="socketPath"/> for a ring of <paramref name="options"/>' shape, asks it
    /// to trace (spec/transport.md, "The trace area"), runs the program once, disconnects. The trace is the server's
    /// kernel observer's, record for record, so it reads as an in-process run's. Throws <see cref="IOException"/> when
    /// no ring can be had there (the message says why in one sentence).
    /// </summary>
    public static TracedRun RunConnected(string socketPath, LinkedProgram program, RingOptions options, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(socketPath);
        ArgumentNullException.ThrowIfNull(program);
        ArgumentNullException.ThrowIfNull(options);
        var ring = RingClient.ConnectTraced(socketPath, options.SqEntries, options.CqEntries, options.UserMemorySize, out var reader);
        LoadedProgram loaded;
        ProgramRun run;
        using (ring)
        {
            loaded = program.LoadInto(ring);
            run = loaded.Run(timeout);
            reader.Drain(); // what timers completed after the last enter
            if (!reader.IsComplete)
            {
                // Records were dropped, damaged or made up: the client's own rebuild is the better trace.
                return new TracedRun(run, RemoteTrace.Rebuild(loaded, run, ring.Region), loaded, Remote: true);
            }
        }

        var (entries, enters) = ShippedTrace.Of(reader.Records());
        return new TracedRun(run, entries, loaded) { Enters = enters };
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
