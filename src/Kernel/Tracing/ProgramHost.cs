using VerbRing.Registers;
using VerbRing.Verbs;
using VerbRing.Verbs.Programs;

namespace VerbRing.Kernel.Tracing;

/// <summary>A program's run together with its trace.</summary>
/// <param name="Run">Completions by step and the final registers.</param>
/// <param name="Trace">Every operation as the kernel finished it.</param>
/// <param name="Loaded">The program as placed in the ring (addresses, SQEs).</param>
/// <param name="Remote">The kernel was in another process: arguments are as submitted (register loads show as rN).</param>
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
    /// across that boundary, so the trace is rebuilt from the CQEs (arguments as submitted). Disposes the ring.
    /// </summary>
    public static TracedRun Run(IoRing ring, LinkedProgram program, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(ring);
        ArgumentNullException.ThrowIfNull(program);
        using (ring)
        {
            var loaded = program.LoadInto(ring);
            var run = loaded.Run(timeout);

            // The steps cancelled at the deadline completed after it: their CQEs are among the stray ones.
            var matcher = program.NewMatcher();
            var late = run.StrayCompletions.Select(c => (Step: matcher.Match(c.Data), Cqe: c)).Where(c => c.Step is not null);
            var trace = run.Completions.Select(c => (c.Step, c.Cqe)).Concat(late.Select(c => (Step: c.Step!.Value, c.Cqe)))
                .Select(c => Rebuilt(loaded.Sqes[c.Step], c.Cqe)).ToList();
            return new TracedRun(run, trace, loaded, Remote: true);
        }
    }

    /// <summary>A trace entry rebuilt from a CQE and the SQE it completes (arguments as submitted).</summary>
    private static TraceEntry Rebuilt(in Sqe sqe, Cqe cqe) => new(
        new TracedOperation
        {
            Data = cqe.Data,
            Op = cqe.Op,
            Outcome = cqe.Error == (int)Errno.ECANCELED ? TracedOutcome.Cancelled : TracedOutcome.Ran,
            Arg0 = sqe.Arg0,
            Arg1 = sqe.Arg1,
            Arg2 = sqe.Arg2,
            Arg3 = sqe.Arg3,
            Arg4 = sqe.Arg4,
            Error = (Errno)cqe.Error,
            Result = cqe.Result,
        },
        []);

    /// <summary>The ring shape a program is checked against for these options.</summary>
    public static RingShape ShapeOf(RingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new RingShape(options.SqEntries, options.UserMemorySize);
    }
}
