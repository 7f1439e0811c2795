namespace VerbRing.Tests.Infrastructure;

/// <summary>Issue 14's wedge reproducers, as program text: rings whose every slot used to pend with SQEs still queued.</summary>
public static class WedgePrograms
{
    /// <summary>
    /// For a 2-entry ring: the READ pends and the NOP waits behind it, which held a max(SQ, CQ) = 2 pool, so the
    /// WRITE that would wake them could never be consumed.
    /// </summary>
    public const string ReadLinkedToNop = """
        data   msg "x"
        buffer buf 8
        pipe                  -> r0
        read   r0.lo, buf, 8        link
        nop
        write  r0.hi, msg, 1
        """;

    /// <summary>
    /// For an 8-entry ring, liburing's poll-many shape: eight POLLs held every slot; the ninth, and the WRITE that
    /// would wake them all, could never be consumed.
    /// </summary>
    public static readonly string PollMany =
        "data msg \"x\"\npipe -> r0\n" + string.Concat(Enumerable.Repeat("poll r0.lo, READ\n", 9)) + "write r0.hi, msg, 1\n";

    /// <summary><paramref name="polls"/> POLLs on an empty pipe that nothing will ever write to.</summary>
    public static string PollsNothingWakes(int polls) => "pipe -> r0\n" + string.Concat(Enumerable.Repeat("poll r0.lo, READ\n", polls));
}
