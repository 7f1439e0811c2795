using VerbRing.Registers;
using VerbRing.Verbs;

namespace VerbRing.Kernel.Interpreter;

/// <summary>
/// Cancellation, on the slow half of the interpreter: CANCEL's marking, cancelled members spliced out of their
/// chains, and teardown's cancellation of everything still unfinished.
/// </summary>
internal sealed partial class ChainRunner
{
    /// <summary>
    /// CANCEL: marks the pending or queued operations whose data is <paramref name="tag"/> (all, or the oldest) and
    /// returns how many. They complete with ECANCELED right after the CANCEL itself, oldest first: in the order they
    /// were consumed, never in the order their slots happen to lie in the pool.
    /// </summary>
    public int RequestCancel(ulong tag, bool all)
    {
        // The pool's index by user_data lists the slots with this tag in consumption order (OperationPool.Tags.cs):
        // the targets are collected first, as the walk of the pool did, then cancelled oldest first.
        var count = 0;
        EnsureOrderScratch();
        for (var i = _pool.FirstWithTag(tag); i >= 0;)
        {
            _pool.CountTagVisit();
            ref var operation = ref _pool[i];
            var next = operation.TagNext;
            if (operation.State == OperationState.Completed)
            {
                _pool.RemoveTag(i); // its CQE waits in the backlog: no CANCEL finds it again
            }
            else if (IsCancelTarget(in operation))
            {
                _orderSlots[count++] = i;
                if (!all)
                {
                    break; // the first in consumption order is the oldest
                }
            }

            i = next;
        }

        AssertCancelTargets(tag, all, count);
        for (var i = 0; i < count; i++)
        {
            Cancel(_orderSlots[i]);
        }

        return count;
    }

    /// <summary>
    /// Whether CANCEL finds an operation with its tag: pending or queued, or a running LOOP — not one already marked,
    /// and never a body template (it never runs; its copies do).
    /// </summary>
    private static bool IsCancelTarget(in Operation operation)
    {
        var unfinished = operation.State is OperationState.Pending or OperationState.Queued || operation.Loop.Active;
        return unfinished && operation.LoopOf != Template && !operation.CancelRequested;
    }

    /// <summary>The cross-check (debug builds): the index found what a walk of the pool finds, in consumption order.</summary>
    [System.Diagnostics.Conditional("DEBUG")]
    private void AssertCancelTargets(ulong tag, bool all, int count)
    {
        var walked = Enumerable.Range(0, _pool.Capacity)
            .Where(i => _pool[i].Sqe.Data == tag && _pool[i].State != OperationState.Free && IsCancelTarget(in _pool[i]))
            .OrderBy(i => _pool[i].Sequence)
            .Take(all ? int.MaxValue : 1);
        System.Diagnostics.Debug.Assert(walked.SequenceEqual(_orderSlots.Take(count)), "the index by user_data finds what a walk of the pool finds");
    }

    /// <summary>Teardown: completes every unfinished operation with ECANCELED, oldest first, and stops every timer.</summary>
    public void CancelEverything()
    {
        var count = 0;
        EnsureOrderScratch();
        for (var i = 0; i < _pool.Capacity; i++)
        {
            if (_pool[i].LoopOf == Template && _pool[i].State != OperationState.Free)
            {
                StopWaiting(ref _pool[i]);
                _pool.Return(i); // a body template: its copies complete for it
            }
            else if (_pool[i].State is OperationState.Pending or OperationState.Queued or OperationState.Running)
            {
                _orderKeys[count] = _pool[i].Sequence;
                _orderSlots[count++] = i;
            }
        }

        // In consumption order, like CANCEL: an observer's trace of the teardown does not depend on slot placement.
        Array.Sort(_orderKeys, _orderSlots, 0, count);
        for (var i = 0; i < count; i++)
        {
            var index = _orderSlots[i];
            _pool[index].Next = -1; // each is cancelled by this loop, not through its chain
            CompleteSlow(index, Cancelled);
        }

        _ready.Clear();
        while (_wokenQueues.TryDequeue(out var queue))
        {
            queue.ForgetWakes();
        }
    }

    /// <summary>The consumption-order scratch follows the pool as it grows (cold: only after a growth).</summary>
    private void EnsureOrderScratch()
    {
        if (_orderKeys.Length < _pool.Capacity)
        {
            _orderKeys = new ulong[_pool.Capacity];
            _orderSlots = new int[_pool.Capacity];
        }
    }

    private void Cancel(int index)
    {
        if (_pool[index].Loop.Active)
        {
            CancelLoop(index);
            return;
        }

        // Marked, it is no CANCEL's target any more: out of the index now, so that a chain of CANCELs run while the
        // marked ones wait for their completion (inside a wake's retries) does not walk past them again and again.
        _pool[index].CancelRequested = true;
        _pool.RemoveTag(index);
        WakeToCancel(index);
    }

    /// <summary>A cancelled member that never ran: splice it out of its chain, with its successors unless it hardlinks.</summary>
    private void CancelQueued(int index)
    {
        ref var operation = ref _pool[index];
        var previous = operation.Prev;
        var survivor = (operation.Sqe.Flags & SqeFlags.HardLink) != 0 ? operation.Next : -1;
        var inLoop = operation.LoopOf >= 0;
        var isLoop = operation.Sqe.Op == (uint)Op.Loop && !inLoop;

        // A LOOP that never started cancels its body before its own CQE (RunLoop sees the cancel); either way the rest
        // is cancelled here when it breaks.
        var next = isLoop ? RunLoop(index) : CompleteSlow(index, Cancelled);
        survivor = inLoop || isLoop ? next : survivor; // a loop's iteration goes on to its LOOP's check; a LOOP's chain past its body
        if (previous >= 0 && _pool[previous].Loop.Active && _pool[previous].Loop.After == index)
        {
            _pool[previous].Loop.After = survivor; // the first SQE after a running loop's body: the loop goes on to the survivor
        }
        else if (previous >= 0)
        {
            _pool[previous].Next = survivor;
        }

        if (survivor >= 0)
        {
            _pool[survivor].Prev = previous;
        }

        if (previous < 0 && next >= 0)
        {
            RunChainSlow(next); // no predecessor holds it back any more
        }
    }
}
