using VerbRing.Kernel.Interpreter;
using VerbRing.Verbs;

namespace VerbRing.Kernel;

/// <summary>
/// One ring's counts for <see cref="VerbRingMetrics"/>: plain fields that only the ring's own enter (or the thread
/// holding its lock) writes, and that the meter's observations read from any thread — a slightly stale count is
/// fine, an allocation or a fence on the hot path is not.
/// </summary>
internal sealed class KernelCounters
{
    /// <summary>The error counts' slots: one per op code, and a last one for op codes no verb has.</summary>
    public static readonly int Slots = Enum.GetValues<Op>().Max(o => (int)o) + 2;

    private long _enters;
    private long _sqes;

    /// <summary>Enters run (each one call, however many SQEs it submitted).</summary>
    public long Enters => Volatile.Read(ref _enters); // Volatile.Read: a fresh value for an observer on another thread

    /// <summary>SQEs consumed by enters.</summary>
    public long Sqes => Volatile.Read(ref _sqes); // Volatile.Read: as above

    /// <summary>CQEs posted with a non-zero errno, by op code (the last slot: unknown op codes).</summary>
    public long[] Errors { get; } = new long[Slots];

    /// <summary>The ring's CQ writer, whose backlog the CQ-backlog gauge reads.</summary>
    public CompletionWriter? Completions { get; set; }

    /// <summary>Counts one enter and the SQEs it consumed (the enter thread alone writes these).</summary>
    public void CountEnter(uint consumed)
    {
        _enters++;
        _sqes += consumed;
    }

    /// <summary>Counts a CQE posted with an error (under the ring's lock).</summary>
    public void CountError(uint op) => Errors[op < (uint)Slots - 1 ? op : Slots - 1]++;
}
