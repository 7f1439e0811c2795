namespace VerbRing.Kernel.Tracing;

/// <summary>One finished operation as a trace shows it: what ran, and the first bytes READ or WRITE moved.</summary>
/// <param name="Operation">The kernel's record (arguments after register loads, outcome).</param>
/// <param name="Bytes">For a successful READ or WRITE, up to <see cref="TraceRecorder.PreviewLength"/> bytes moved; else empty.</param>
/// <param name="UnresolvedLoads">A bit per argument whose register load is not known (a remote run): shown as the register.</param>
public sealed record TraceEntry(TracedOperation Operation, byte[] Bytes, int UnresolvedLoads = 0)
{
    /// <summary>When the kernel completed it, on the kernel's clock, since the trace began (zero when not known).</summary>
    public TimeSpan CompletedAt { get; init; }
}
