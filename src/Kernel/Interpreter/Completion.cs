using System.Diagnostics;
using System.Runtime.CompilerServices;
using VerbRing.Registers;
using VerbRing.Verbs;

namespace VerbRing.Kernel.Interpreter;

/// <summary>
/// The last step of an SQE's path: save the result into the save register, tell the observer, post the CQE (or
/// queue it in the backlog while the CQ is full), and say whether the chain breaks. <see cref="Publish"/> is the one
/// place a CQE is made, for both halves; the slow half first settles its slot (timer, wait queue, chain links).
/// </summary>
internal sealed partial class ChainRunner
{
    /// <summary>
    /// Saves, observes and posts the completion of <paramref name="sqe"/> — in <paramref name="slot"/>, or staged
    /// (<see cref="NoSlot"/>) — and returns whether it breaks its chain. <paramref name="args"/> are the arguments
    /// as loaded when <paramref name="outcome"/> is Ran (otherwise the trace shows them as submitted).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool Publish(ref readonly Sqe sqe, int slot, VerbResult result, in Arguments args, TracedOutcome outcome)
    {
        Debug.Assert(outcome == TracedOutcome.Ran || result.Error != Errno.OK, "only a verb that ran can succeed");
        Debug.Assert(slot == NoSlot || _pool[slot].State == OperationState.Completed, "a slot posts once it completed");
        var flags = sqe.Flags;
        var value = result.Value; // Abi.Err on failure, or what a partial failure still did
        SaveResult(flags, result.Error, value);
        var quiet = SqeFlags.SkipsSuccess(flags) && result.Error == Errno.OK;
        if (_observer is not null && !(quiet && slot != NoSlot && _pool[slot].LoopOf >= 0))
        {
            ObserveSlow(in sqe, in args, outcome, result.Error, value); // a loop body's quiet runs are too many to trace
        }

        if (!quiet)
        {
            Post(in sqe, slot, result.Error, value);
        }
        else if (slot != NoSlot)
        {
            _pool.Return(slot); // SKIP_SUCCESS: no CQE, no CQ slot, no backlog
        }

        return BreaksChain(flags, result.Error);
    }

    /// <summary>A member of a broken chain, or a cancelled one: ECANCELED, never run, no register written.</summary>
    private void CancelMember(ref readonly Sqe sqe, int slot) => Publish(in sqe, slot, Cancelled, default, TracedOutcome.Cancelled);

    /// <summary>
    /// Saves a result into the SQE's save register, if it names one. A failure saves ERR, so a hardlinked successor
    /// that loads it fails cleanly instead of using a stale value; ECANCELED writes nothing (a CQE with ECANCELED
    /// never wrote a register, and an SQE that never ran completes with nothing else).
    /// </summary>
    private void SaveResult(uint flags, Errno error, ulong value)
    {
        var save = SqeFlags.SaveOf(flags);
        if (save != SqeFlags.RegNone && error != Errno.ECANCELED)
        {
            _registers[save] = value;
        }
    }

    /// <summary>Whether a completion with <paramref name="error"/> cancels the rest of its chain (not under HARDLINK).</summary>
    private static bool BreaksChain(uint flags, Errno error) => error != Errno.OK && (flags & SqeFlags.HardLink) == 0;

    /// <summary>Writes the CQE and frees the slot, if any; a CQ that is full (or a backlog ahead) sends it to the backlog.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Post(ref readonly Sqe sqe, int slot, Errno error, ulong value)
    {
        if (_completions.TryPost(sqe.Op, sqe.Data, error, value))
        {
            if (slot != NoSlot)
            {
                _pool.Return(slot);
            }

            return;
        }

        BacklogSlow(in sqe, slot, error, value);
    }

    /// <summary>The CQE waits in the backlog for CQ space, in a slot: its own, or — staged — one it takes now.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void BacklogSlow(ref readonly Sqe sqe, int slot, Errno error, ulong value)
    {
        if (slot == NoSlot)
        {
            _counts.Backlogged++;
            slot = _pool.Rent(in sqe);
            ref var operation = ref _pool[slot];
            operation.State = OperationState.Completed;
        }

        _completions.Backlog(slot, error, value);
    }

    /// <summary>
    /// Completes the operation in <paramref name="index"/>: stops its timer, unparks it, publishes, and returns the
    /// successor to run next (or -1: the chain ends, or broke and its rest was cancelled).
    /// </summary>
    private int CompleteSlow(int index, VerbResult result)
    {
        ref var operation = ref _pool[index];
        Debug.Assert(operation.State is OperationState.Queued or OperationState.Running or OperationState.Pending, "an operation completes once");
        operation.Timer?.Dispose();
        operation.Timer = null;
        operation.ParkedOn?.Remove(operation.WaitNode, index, operation.Generation);
        operation.ParkedOn = null;
        operation.Target = null;
        var neverRan = operation.State == OperationState.Queued;
        Debug.Assert(!neverRan || result.Error == Errno.ECANCELED, "an operation that never ran can only be cancelled");

        // A cancelled verb that never got to run (refused, or queued) is traced as Cancelled, not as what refused it.
        var cancelled = result.Error == Errno.ECANCELED && operation.CancelRequested;
        var outcome = neverRan || (cancelled && operation.Outcome != TracedOutcome.Ran) ? TracedOutcome.Cancelled : operation.Outcome;
        operation.State = OperationState.Completed;
        StopWaiting(ref operation);

        var next = operation.Next;
        var loopHead = operation.LoopOf;
        if (loopHead >= 0 && result.Error != Errno.OK && _pool[loopHead].Loop.Error == Errno.OK)
        {
            _pool[loopHead].Loop.Error = result.Error; // the first failure of the iteration ends the loop
        }

        var breaksChain = Publish(in operation.Sqe, index, result, in operation.Args, outcome);
        if (next >= 0 && !IsActiveLoop(next))
        {
            _pool[next].Prev = -1;
        }

        _drainCheck |= _drainWaiters.Count > 0;
        return breaksChain ? CancelChainSlow(next) : next;
    }

    /// <summary>
    /// Completes every remaining member of a broken chain with ECANCELED: not run, no register written. A loop's
    /// iteration breaks only up to its LOOP, which is returned to make its check (and end); else -1.
    /// </summary>
    private int CancelChainSlow(int index)
    {
        while (index >= 0)
        {
            if (IsActiveLoop(index))
            {
                return index;
            }

            ref var operation = ref _pool[index];
            var next = operation.Next;
            operation.State = OperationState.Completed;
            StopWaiting(ref operation);
            CancelMember(in operation.Sqe, index);
            index = next;
        }

        return -1;
    }

    /// <summary>A completed operation no longer counts among the waiting ones.</summary>
    private void StopWaiting(ref Operation operation)
    {
        if (operation.Waits)
        {
            Debug.Assert(_waiting > 0, "the count of waiting operations matches the slots marked waiting");
            operation.Waits = false;
            _waiting--;
        }
    }

    /// <summary>Tells the observer how an SQE completed (out of line: the path without one stays small).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void ObserveSlow(ref readonly Sqe sqe, in Arguments args, TracedOutcome outcome, Errno error, ulong value)
    {
        var shown = outcome == TracedOutcome.Ran ? args : Validation.AsSubmitted(in sqe);
        _observer!.OnCompleted(new TracedOperation
        {
            Data = sqe.Data,
            Op = sqe.Op,
            Outcome = outcome,
            Arg0 = shown.A0,
            Arg1 = shown.A1,
            Arg2 = shown.A2,
            Arg3 = shown.A3,
            Arg4 = shown.A4,
            Error = error,
            Result = value,
        });
    }
}
