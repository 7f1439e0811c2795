using VerbRing.Verbs.Programs;

namespace VerbRing.Kernel.Tracing;

/// <summary>A program's run together with its trace.</summary>
/// <param name="Run">Completions by step and the final registers.</param>
/// <param name="Trace">Every operation as the kernel finished it.</param>
/// <param name="Loaded">The program as placed in the ring (addresses, SQEs).</param>
/// <param name="Remote">
/// The kernel was in another process and shipped no records: the trace is rebuilt by the client (<see cref="RemoteTrace"/>).
/// </param>
public sealed record TracedRun(ProgramRun Run, IReadOnlyList<TraceEntry> Trace, LoadedProgram Loaded, bool Remote = false)
{
    /// <summary>Every enter of the run, with the kernel's times (empty when they are not known: <see cref="Remote"/>).</summary>
    public IReadOnlyList<TracedEnter> Enters { get; init; } = [];
}
