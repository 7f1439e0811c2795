using System.Diagnostics;
using System.Runtime.CompilerServices;
using VerbRing.Registers;
using VerbRing.Verbs;

namespace VerbRing.Kernel.Interpreter;

/// <summary>
/// DRAIN on the general path (spec/semantics.md, "Drain"): a chain head with DRAIN waits, queued, until every
/// operation consumed before it has completed; nothing consumed after it is held back. Waiting heads are kept in
/// consumption order and released from the front after any completion.
/// </summary>
// Design: "consumed before it" is "a smaller sequence number" — slots are rented in consumption order, and an SQE
// the fast path completed never held one. A waiting head is an ordinary queued operation (CANCEL finds it, teardown
// completes it), counted among the waiting ones with the members queued behind it. The check runs after every
// completion while a head waits, so it must not walk the pool: the pool keeps its slots in consumption order and
// answers from the oldest unfinished one (OperationPool.Order.cs), O(1) amortized. A loop body's copies are rented
// at each iteration, so they count as consumed then — behind the LOOP itself, which stays unfinished meanwhile.
internal sealed partial class ChainRunner
{
    private readonly Queue<(int Index, int Generation)> _drainWaiters = new();
    private bool _drainCheck;

    /// <summary>
    /// Whether the chain at <paramref name="head"/> must wait for earlier operations (DRAIN): then it is queued now,
    /// or — at the limit of waiting operations — completed with EAGAIN (its chain follows the link rules).
    /// </summary>
    private bool HoldForDrain(int head)
    {
        ref var operation = ref _pool[head];
        if (!SqeFlags.Drains(operation.Sqe.Flags) || operation.Member || !UnfinishedBefore(head))
        {
            return false;
        }

        if (_waiting >= _waits.MaxWaiting && !operation.Waits)
        {
            if (operation.Sqe.Op == (uint)Op.Loop)
            {
                RunChainSlow(RefuseLoop(head, Errno.EAGAIN));
                return true;
            }

            operation.State = OperationState.Running;
            operation.Outcome = TracedOutcome.Refused;
            RunChainSlow(CompleteSlow(head, VerbResult.Fail(Errno.EAGAIN)));
            return true;
        }

        CountWaiting(head);
        _drainWaiters.Enqueue((head, operation.Generation));
        return true;
    }

    /// <summary>Starts the waiting DRAIN heads, oldest first, whose earlier operations have all completed.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void ReleaseDrains()
    {
        if (_drainCheck && _drainWaiters.Count > 0)
        {
            ReleaseDrainsSlow(); // the check inlines into every enter; the loop runs only with a DRAIN held back
        }
    }

    private void ReleaseDrainsSlow()
    {
        while (_drainCheck && _drainWaiters.Count > 0)
        {
            _drainCheck = false;
            while (_drainWaiters.TryPeek(out var waiter))
            {
                ref var operation = ref _pool[waiter.Index];
                if (operation.Generation != waiter.Generation || operation.State != OperationState.Queued)
                {
                    _drainWaiters.Dequeue(); // cancelled (or torn down) while it waited
                    continue;
                }

                if (UnfinishedBefore(waiter.Index))
                {
                    break;
                }

                _drainWaiters.Dequeue();
                RunChainSlow(waiter.Index);
                Drain();
            }
        }
    }

    /// <summary>Whether an operation consumed before the one in <paramref name="self"/> (queued: it waits) has not completed.</summary>
    private bool UnfinishedBefore(int self)
    {
        var unfinished = _pool.UnfinishedBefore(self);
        Debug.Assert(unfinished == ScanUnfinishedBefore(_pool[self].Sequence, self), "the consumption order answers as a walk of the pool does");
        return unfinished;
    }

    /// <summary>The same question answered by walking the pool (the cross-check, in debug builds and self-checks).</summary>
    private bool ScanUnfinishedBefore(ulong sequence, int self)
    {
        for (var i = 0; i < _pool.Capacity; i++)
        {
            ref var operation = ref _pool[i];
            if (i != self && operation.Sequence < sequence && operation.State is OperationState.Queued or OperationState.Running or OperationState.Pending)
            {
                return true;
            }
        }

        return false;
    }
}
