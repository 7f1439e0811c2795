using VerbRing.Kernel;
using VerbRing.Registers;
using VerbRing.Verbs;

namespace VerbRing.Tooling.Fuzzing;

/// <summary>
/// The checks every fuzzer (the random <see cref="FuzzRound"/> and the coverage-guided targets) runs after an enter
/// and after the CQEs are reaped, so that both hold the kernel to the same contract.
/// </summary>
internal static class RingChecks
{
    /// <summary>
    /// An enter's answer: only OK, EBUSY or EAGAIN; never more consumed than asked for and queued, nothing consumed
    /// on an error, and the SQ shrunk by exactly what was consumed. Returns what is wrong, or null.
    /// </summary>
    public static string? Enter(EnterResult result, uint amount, uint queued, uint pendingAfter)
    {
        if (result.Error is not (Errno.OK or Errno.EBUSY or Errno.EAGAIN))
        {
            return "enter failed";
        }

        return result.Consumed > Math.Min(amount, queued) || (result.Error != Errno.OK && result.Consumed != 0) || pendingAfter != queued - result.Consumed
            ? $"the consumed count does not match the SQ (now {pendingAfter} queued)"
            : null;
    }

    /// <summary>
    /// After every CQE was reaped through <paramref name="oracle"/>: the registers (<see cref="CompletionOracle.CheckRegisters"/>),
    /// the kernel's own bookkeeping, and — unless completions may wait in the backlog — as many operations in the
    /// kernel as user space awaits CQEs for, give or take the quiet successes and a running loop's body; once the
    /// kernel holds nothing, every quiet step is settled (<see cref="CompletionOracle.SettleQuiet"/>). Returns what is wrong, or null.
    /// </summary>
    public static string? AfterReap(RingKernel kernel, RegisterFile registers, CompletionOracle oracle, ulong[] before, bool[] mayChange, bool backlogPossible)
    {
        if (oracle.CheckRegisters(registers, before, mayChange) is { } wrong)
        {
            return wrong;
        }

        if (kernel.FindInconsistencies() is { Count: > 0 } broken)
        {
            return $"kernel bookkeeping broken: {string.Join("; ", broken)}; in flight: {kernel.DescribeInFlight()}";
        }

        // Quiet successes (SKIP_SUCCESS) post nothing: user space awaits at most what the kernel holds plus those that
        // may be quiet, and a running loop's body holds slots no CQE is awaited for.
        var held = kernel.InFlight;
        if (!backlogPossible && (held > oracle.Outstanding + oracle.InLoop || held < oracle.Outstanding - oracle.MaybeQuiet))
        {
            return $"the kernel holds {held} operations, user space awaits {oracle.Outstanding} CQEs ({oracle.MaybeQuiet} may be quiet)";
        }

        return !backlogPossible && held == 0 ? oracle.SettleQuiet() : null;
    }

    /// <summary>
    /// Whether completions may wait in the kernel's backlog after a settle that reaped <paramref name="reaped"/> CQEs:
    /// a full CQ's worth means they may; fewer after an enter (which writes the backlog into the CQ as room allows)
    /// means none wait; after a clock move, which writes nothing from the backlog (spec/semantics.md: "at the next
    /// enter"), it stays as it was.
    /// </summary>
    public static bool BacklogPossible(bool before, int reaped, uint cqEntries, bool entered) =>
        reaped >= cqEntries || (before && !entered);
}
