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
        var count = 0;
        var oldest = -1;
        EnsureOrderScratch();
        for (var i = 0; i < _pool.Capacity; i++)
        {
            ref var operation = ref _pool[i];

            // A running LOOP can be cancelled too; a body template never runs (its copies do), so no CANCEL finds it.
            var unfinished = operation.State is OperationState.Pending or OperationState.Queued || operation.Loop.Active;
            if (!unfinished || operation.LoopOf == Template || operation.CancelRequested || operation.Sqe.Data != tag)
            {
                continue;
            }

            if (all)
            {
                _orderKeys[count] = operation.Sequence;
                _orderSlots[count++] = i;
            }
            else if (oldest < 0 || operation.Sequence < _pool[oldest].Sequence)
            {
                oldest = i;
            }
        }

        if (!all)
        {
            if (oldest >= 0)
            {
                Cancel(oldest);
            }

            return oldest >= 0 ? 1 : 0;
        }

        // Consumption order, O(n log n) whatever order the slots lie in (a client can arrange the worst one).
        Array.Sort(_orderKeys, _orderSlots, 0, count);
        for (var i = 0; i < count; i++)
        {
            Cancel(_orderSlots[i]);
        }

        return count;
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

        _pool[index].CancelRequested = true;
        Wake(index, _pool[index].Generation, from: null);
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
