using VerbRing.Registers;
using VerbRing.Verbs;

namespace VerbRing.Kernel;

/// <summary>
/// The cancelling half of the interpreter: CANCEL's marking, cancelled members spliced out of their chains, and
/// teardown's cancellation of everything still unfinished.
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
        for (var i = 0; i < _pool.Capacity; i++)
        {
            ref var operation = ref _pool[i];
            if (operation.State is not (OperationState.Pending or OperationState.Queued) || operation.CancelRequested || operation.Sqe.Data != tag)
            {
                continue;
            }

            // Insertion by consumption order (few match; the scratch array is the pool's size, so nothing allocates).
            var at = count++;
            for (; at > 0 && _pool[_cancelOrder[at - 1]].Sequence > operation.Sequence; at--)
            {
                _cancelOrder[at] = _cancelOrder[at - 1];
            }

            _cancelOrder[at] = i;
        }

        count = all ? count : Math.Min(count, 1);
        for (var i = 0; i < count; i++)
        {
            Cancel(_cancelOrder[i]);
        }

        return count;
    }

    /// <summary>Teardown: completes every unfinished operation with ECANCELED and stops every timer.</summary>
    public void CancelEverything()
    {
        for (var i = 0; i < _pool.Capacity; i++)
        {
            if (_pool[i].State is OperationState.Pending or OperationState.Queued or OperationState.Running)
            {
                _pool[i].Next = -1; // each is cancelled by this loop, not through its chain
                Complete(i, VerbResult.Fail(Errno.ECANCELED));
            }
        }

        _ready.Clear();
    }

    private void Cancel(int index)
    {
        _pool[index].CancelRequested = true;
        Wake(index, _pool[index].Generation);
    }

    /// <summary>A cancelled member that never ran: splice it out of its chain, with its successors unless it hardlinks.</summary>
    private void CancelQueued(int index)
    {
        ref var operation = ref _pool[index];
        var previous = operation.Prev;
        var survivor = (operation.Sqe.Flags & SqeFlags.HardLink) != 0 ? operation.Next : -1;
        var next = Complete(index, VerbResult.Fail(Errno.ECANCELED)); // cancels the rest itself when it breaks
        if (previous >= 0)
        {
            _pool[previous].Next = survivor;
        }

        if (survivor >= 0)
        {
            _pool[survivor].Prev = previous;
        }

        if (previous < 0 && next >= 0)
        {
            RunChain(next); // no predecessor holds it back any more
        }
    }
}
