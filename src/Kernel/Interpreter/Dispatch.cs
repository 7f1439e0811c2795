using System.Diagnostics;
using System.Runtime.CompilerServices;
using VerbRing.Registers;
using VerbRing.Verbs;

namespace VerbRing.Kernel.Interpreter;

/// <summary>
/// The third step of an SQE's path: validate it, call its verb's handler with the loaded arguments, and turn a
/// verb's exception (its bug) into EIO (<see cref="VerbThrew"/>), so that it never costs the ring a completion or a slot. Both halves of the
/// loop dispatch here: the fast half for a staged SQE (no slot: <see cref="NoSlot"/>), the slow half for an
/// operation in a slot (first run or retry).
/// </summary>
internal sealed partial class ChainRunner
{
    /// <summary>The slot index a staged SQE's <see cref="VerbCall"/> carries on the fast half: it holds none (yet).</summary>
    public const int NoSlot = -1;

    private static readonly VerbResult Cancelled = VerbResult.Fail(Errno.ECANCELED);

    private int _current; // the staged SQE the fast half is dispatching
    private int _adopted = NoSlot; // the slot its verb parked into, or NoSlot
    private Arguments _fastArgs; // the arguments of the staged SQE the fast half is dispatching (its VerbCall refers to them)
    private bool _inVerb; // the fast half is dispatching: an exception now is the verb's (RunFast)

    /// <summary>What a verb that throws (its bug) completes with: EIO, as if it had failed cleanly.</summary>
    private static VerbResult VerbThrew => VerbResult.Fail(Errno.EIO);

    /// <summary>
    /// Validates <paramref name="sqe"/> and runs its verb. <paramref name="slot"/> is its operation's slot, or
    /// <see cref="NoSlot"/> for a staged SQE on the fast half. The arguments and outcome are what the completion
    /// saves and traces. The slow half's call is guarded here (<see cref="Execute"/>); the fast half holds the same
    /// guard once per enter around its whole loop instead (RunFast), because the JIT never inlines a method with a
    /// try (one more call per SQE measured ~2 ns, ~11 % at a NOP batch of 64) and a try inside the loop keeps the
    /// loop's locals in memory (~1.5 ns per SQE).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private VerbResult Dispatch(ref readonly Sqe sqe, int slot, bool member, out Arguments args, out TracedOutcome outcome)
    {
        var error = _validation.Check(in sqe, member, out var handler, out args, out outcome);
        if (error != Errno.OK)
        {
            return VerbResult.Fail(error);
        }

        return slot == NoSlot ? Invoke(handler, in sqe, in args, NoSlot, target: null) : Execute(handler, in sqe, in args, slot, target: null);
    }

    /// <summary>
    /// Calls a handler under the guard that turns its exception into EIO (<see cref="VerbThrew"/>), then settles what
    /// its parking left (<see cref="Settle"/>). <paramref name="target"/> is what a retried verb resolved when it parked
    /// (null on first dispatch).
    /// </summary>
    private VerbResult Execute(IVerbHandler handler, ref readonly Sqe sqe, in Arguments args, int slot, object? target)
    {
        VerbResult result;
        try
        {
            result = Invoke(handler, in sqe, in args, slot, target);
        }
#pragma warning disable CA1031 // A verb's bug must not cost the ring a completion or a slot: it becomes EIO.
        catch (Exception)
#pragma warning restore CA1031
        {
            result = VerbThrew;
        }

        return Settle(result);
    }

    /// <summary>Calls a handler: the only place a verb runs (the caller holds the guard).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private VerbResult Invoke(IVerbHandler handler, ref readonly Sqe sqe, in Arguments args, int slot, object? target)
    {
        Debug.Assert(_adopted == NoSlot, "a fast-half SQE's parked slot outlived its dispatch");
        Debug.Assert(slot == NoSlot || _pool[slot].State == OperationState.Running, "only a running operation dispatches");
        var call = new VerbCall(_context, this, in sqe, in args, slot, target);
        return handler.Execute(in call);
    }

    /// <summary>
    /// After a verb's call: one that parked and then answered anyway (or threw) leaves no slot behind on the fast
    /// half; on the slow half its completion unparks it.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private VerbResult Settle(VerbResult result)
    {
        if (_adopted != NoSlot && !result.IsPending)
        {
            ReleaseAdoptedSlow(); // parked, then answered (or threw) anyway: the answer stands, the slot goes back
        }

        return result;
    }

    /// <summary>
    /// A staged SQE's verb pended: from now on it is an operation like any other, in a slot — the one its park took,
    /// or, for a verb that answered "pending" without parking (a bug), one taken now, unparked, exactly as the slow
    /// half would leave it: until a timeout or cancel. Returns that slot.
    /// </summary>
    private int PendStaged(in Arguments args)
    {
        var index = _adopted != NoSlot ? _adopted : AdoptSlot(in args);
        _adopted = NoSlot;
        Pend(index);
        return index;
    }

    /// <summary>
    /// Queues staged SQE <paramref name="position"/> into a slot behind <paramref name="tail"/> (its chain waits on
    /// a pending operation); returns its slot if the chain goes on past it, else -1.
    /// </summary>
    private int QueueBehind(uint position, int tail)
    {
        _counts.QueuedBehind++;
        var index = _pool.Rent(in _staged[position]);
        ref var operation = ref _pool[index];
        operation.Member = true;
        operation.Waits = true; // behind a pending operation: it waits as long as that one does
        _waiting++;
        _pool[tail].Next = index;
        operation.Prev = tail;
        return SqeFlags.IsLinked(operation.Sqe.Flags) ? index : -1;
    }

    /// <summary>
    /// A staged SQE's verb parks: it takes a slot now, the first moment it needs one. A second park by the same verb
    /// call finds the slot the first one took.
    /// </summary>
    private int Adopt(in VerbCall call) => _adopted != NoSlot
        ? _adopted
        : AdoptSlot(new Arguments { A0 = call.Arg0, A1 = call.Arg1, A2 = call.Arg2, A3 = call.Arg3, A4 = call.Arg4 });

    private int AdoptSlot(in Arguments args)
    {
        _counts.Adopted++;
        var index = _pool.Rent(in _staged[_current]);
        ref var operation = ref _pool[index];
        operation.Member = _current > 0 && SqeFlags.IsLinked(_staged[_current - 1].Flags);
        operation.Args = args;
        operation.State = OperationState.Running;
        operation.Outcome = TracedOutcome.Ran;
        _adopted = index;
        return index;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void ReleaseAdoptedSlow()
    {
        ref var operation = ref _pool[_adopted];
        operation.ParkedOn?.Remove(operation.WaitNode, _adopted, operation.Generation);
        _pool.Return(_adopted);
        _adopted = NoSlot;
    }
}
