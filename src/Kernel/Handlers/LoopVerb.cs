using VerbRing.Verbs;

namespace VerbRing.Kernel.Handlers;

/// <summary>
/// LOOP (op 10, VerbRing's extension): the check a loop makes before each iteration — its shape at the first one,
/// then its condition, its bound and its time budget (spec/semantics.md, "Loops"). Running the body is the
/// interpreter's: it alone follows a chain, so it calls <see cref="Validate"/> and <see cref="Check"/> and never
/// <see cref="Execute"/>, which answers EINVAL for a LOOP that reached a handler some other way.
/// </summary>
internal sealed class LoopVerb : IVerbHandler
{
    public uint Op => (uint)Verbs.Op.Loop;

    public string Name => "LOOP";

    /// <summary>What the check decided.</summary>
    public enum Decision : byte
    {
        /// <summary>The condition holds and iterations are left: run the body once more.</summary>
        Iterate,

        /// <summary>The condition does not hold: the loop succeeds with its iteration count.</summary>
        Done,

        /// <summary>The condition still holds after <c>bound</c> iterations: ELOOP.</summary>
        BoundReached,

        /// <summary>The time budget passed: ETIMEDOUT.</summary>
        OutOfTime,
    }

    public VerbResult Execute(in VerbCall call) => VerbResult.Fail(Errno.EINVAL);

    /// <summary>The LOOP's own arguments at its first check (after loads): OK, or EINVAL.</summary>
    public static Errno Validate(ulong compare, ulong bound, ulong body) =>
        compare is < (ulong)LoopCompare.Eq or > (ulong)LoopCompare.Ge || bound is 0 or > Abi.MaxLoopIterations || body is 0 or > Abi.MaxLoopBody
            ? Errno.EINVAL
            : Errno.OK;

    /// <summary>
    /// The check before an iteration: the condition first (a loop whose condition ends exactly at its bound succeeds),
    /// then the bound, then the budget.
    /// </summary>
    public static Decision Check(ulong left, ulong compare, ulong right, ulong iterations, ulong bound, bool outOfTime)
    {
        if (!Holds(left, (LoopCompare)compare, right))
        {
            return Decision.Done;
        }

        if (iterations >= bound)
        {
            return Decision.BoundReached;
        }

        return outOfTime ? Decision.OutOfTime : Decision.Iterate;
    }

    /// <summary>The errno a decision ends the loop with (OK for <see cref="Decision.Done"/>).</summary>
    public static Errno ErrorOf(Decision decision) => decision switch
    {
        Decision.Done => Errno.OK,
        Decision.BoundReached => Errno.ELOOP,
        _ => Errno.ETIMEDOUT,
    };

    /// <summary>
    /// The budget in timestamp ticks of <paramref name="time"/>: the LOOP's timeout, or the ring's enter timeout when
    /// it is 0; <see cref="long.MaxValue"/> for none (UINT64_MAX).
    /// </summary>
    public static long BudgetTicks(ulong timeout, TimeSpan enterTimeout, TimeProvider time)
    {
        if (timeout == ulong.MaxValue)
        {
            return long.MaxValue;
        }

        var seconds = timeout == 0 ? enterTimeout.TotalSeconds : timeout / 1e9;
        var ticks = seconds * time.TimestampFrequency;
        return ticks >= long.MaxValue ? long.MaxValue : (long)ticks;
    }

    private static bool Holds(ulong left, LoopCompare compare, ulong right) => compare switch
    {
        LoopCompare.Eq => left == right,
        LoopCompare.Ne => left != right,
        LoopCompare.Lt => left < right,
        LoopCompare.Le => left <= right,
        LoopCompare.Gt => left > right,
        _ => left >= right,
    };
}
