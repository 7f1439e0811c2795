using System.Diagnostics;
using System.Runtime.CompilerServices;
using VerbRing.Verbs;

namespace VerbRing.Kernel.Interpreter;

/// <summary>
/// Waiting, on the slow half of the interpreter: parking a verb that cannot finish, waking it into the ready queue,
/// retrying it there, and timing it out by (slot, generation).
/// </summary>
internal sealed partial class ChainRunner
{
    private const int WokenQueue = -2; // a ready-queue entry standing for one wake of the next queue in _wokenQueues

    private static readonly TimeSpan MaxDue = TimeSpan.FromMilliseconds(uint.MaxValue - 1);

    /// <summary>
    /// Called by a handler: the operation waits on <paramref name="queue"/> (or only for its timeout or a cancel).
    /// A staged SQE on the fast half gets its slot here, the first moment it needs one. False — nothing parked, the verb
    /// completes with EAGAIN — when the operation would start waiting while <c>MaxInFlight</c> operations already
    /// wait: a full ring refuses new waiters, it never stops consuming (spec/semantics.md, "Limits").
    /// </summary>
    public bool TryPark(in VerbCall call, WaitQueue? queue, object? target, WaitNeed need)
    {
        if (_waiting >= _waits.MaxWaiting && IsNewWaiter(call.Index))
        {
            if (call.Index == NoSlot)
            {
                _counts.Refused++;
            }

            return false;
        }

        var index = call.Index == NoSlot ? Adopt(in call) : call.Index;
        ref var operation = ref _pool[index];
        operation.ParkedOn = queue;
        operation.Target = target;
        operation.WaitNode = queue?.Park(index, operation.Generation, need) ?? 0;
        return true;
    }

    /// <summary>
    /// Whether a park would add a waiter: not a retry of a pending operation, nor a member that already waited
    /// behind one (counted then), nor a second park by the same fast-path call.
    /// </summary>
    private bool IsNewWaiter(int index)
    {
        if (index != NoSlot)
        {
            return !_pool[index].Waits;
        }

        return _adopted == NoSlot;
    }

    /// <summary>A wait queue was woken: one entry in the ready queue stands for every operation that wake retries.</summary>
    public void Woken(WaitQueue queue)
    {
        _wokenQueues.Enqueue(queue);
        _ready.Enqueue((WokenQueue, 0));
    }

    /// <summary>
    /// Queues a cancel-marked operation for its retry (which completes it with ECANCELED) after the current step.
    /// One its wait queue already woke is retried where that wake put it instead, as before; the queue tells
    /// (<see cref="WaitQueue.MarkCancelled"/>), and this retry then finds it done.
    /// </summary>
    private void WakeToCancel(int index)
    {
        ref var operation = ref _pool[index];
        if (operation.InReady)
        {
            return;
        }

        operation.InReady = true;
        operation.ParkedOn?.MarkCancelled(operation.WaitNode);
        _ready.Enqueue((index, operation.Generation));
    }

    /// <summary>A timer fired for operation (index, generation): time it out if it is still pending.</summary>
    public void TimeOut(int index, int generation)
    {
        ref var operation = ref _pool[index];
        if (operation.Generation != generation || operation.State != OperationState.Pending)
        {
            return;
        }

        if (_waits.Time.GetTimestamp() < operation.Deadline)
        {
            Arm(index); // a long timeout is served by several timer periods
            return;
        }

        RunChainSlow(CompleteSlow(index, _validation.HandlerOf(operation.Sqe.Op).OnTimeout()));
        Drain();
        ReleaseDrains();
    }

    private void Pend(int index)
    {
        ref var operation = ref _pool[index];
        operation.State = OperationState.Pending;
        if (operation.LoopOf >= 0)
        {
            _pool[operation.LoopOf].Loop.Parked = index; // what a CANCEL of the loop cancels (CancelLoop)
            _pool[operation.LoopOf].Loop.ParkedGeneration = operation.Generation;
        }

        CountWaiting(index);
        if (operation.Timer is null && !Abi.IsNoTimeout(operation.Sqe.Timeout))
        {
            // The clock starts at dispatch, as in PatchworkOS; only a verb that pends has a timer at all.
            operation.Deadline = _waits.Time.GetTimestamp() + Ticks(operation.Sqe.Timeout);
            Arm(index);
        }
    }

    /// <summary>
    /// Counts an operation that now pends, and the members queued behind it, among the waiting ones (once each). On
    /// the slow half those members are in slots already; on the fast half each is counted as it queues behind.
    /// </summary>
    private void CountWaiting(int index)
    {
        for (var i = index; i >= 0 && !_pool[i].Waits; i = _pool[i].Next)
        {
            _pool[i].Waits = true;
            _waiting++;
        }
    }

    private void Arm(int index)
    {
        ref var operation = ref _pool[index];
        operation.Timer?.Dispose();
        // Round up, so that the timer never fires before the deadline (it would only re-arm at the same instant).
        var time = _waits.Time;
        var remaining = Math.Max(0, operation.Deadline - time.GetTimestamp());
        var due = TimeSpan.FromTicks((long)Math.Ceiling((decimal)remaining * TimeSpan.TicksPerSecond / time.TimestampFrequency));
        var generation = operation.Generation;
        var onTimer = _waits.OnTimer;
        operation.Timer = time.CreateTimer(_ => onTimer(index, generation), null, due < MaxDue ? due : MaxDue, Timeout.InfiniteTimeSpan);
    }

    private long Ticks(ulong nanoseconds)
    {
        var ticks = (decimal)nanoseconds * _waits.Time.TimestampFrequency / 1_000_000_000m;
        return ticks >= long.MaxValue / 2 ? long.MaxValue / 2 : (long)Math.Ceiling(ticks);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Drain()
    {
        if (!_draining && _ready.Count > 0)
        {
            DrainReady(); // the check inlines into every enter and step; the loop runs only with something woken
        }
    }

    private void DrainReady()
    {
        _draining = true;
        try
        {
            while (_ready.TryDequeue(out var entry))
            {
                if (entry.Index == WokenQueue)
                {
                    RetryWoken(_wokenQueues.Dequeue());
                    continue;
                }

                ref var operation = ref _pool[entry.Index];
                if (operation.Generation != entry.Generation || !operation.InReady)
                {
                    continue;
                }

                operation.InReady = false;
                if (operation.State == OperationState.Queued && operation.CancelRequested)
                {
                    CancelQueued(entry.Index);
                }
                else if (operation.State == OperationState.Pending)
                {
                    Retry(entry.Index);
                }
            }
        }
        finally
        {
            _draining = false;
        }
    }

    /// <summary>Serves one wake of <paramref name="queue"/>: retries, in order, each operation it yields.</summary>
    /// <remarks>
    /// An observer that throws inside a retry (its bug; the exception reaches the enter's caller) would leave the rest
    /// of this wake unserved, its cut in the queue with no ready entry for it: the wake goes back into the ready queue
    /// and the next drain serves what it has not handed out yet.
    /// </remarks>
    private void RetryWoken(WaitQueue queue)
    {
        var served = false;
        try
        {
            ServeWake(queue);
            served = true;
        }
        finally
        {
            if (!served)
            {
                _wokenQueues.Enqueue(queue);
                _ready.Enqueue((WokenQueue, 0));
            }
        }
    }

    private void ServeWake(WaitQueue queue)
    {
        while (queue.TryNext(ref _wakeVisits, out var index, out var generation, out var retry))
        {
            ref var operation = ref _pool[index];
            Debug.Assert(operation.Generation == generation, "a queue holds only operations that are still parked");
            if (operation.Generation != generation)
            {
                continue; // never, as the queue is kept; if it were, a reused slot is not this wake's to retry
            }

            operation.ParkedOn = null;
            if (!retry)
            {
                continue; // cancelled after this wake was made: its cancel's own retry completes it
            }

            operation.InReady = false;
            if (operation.State == OperationState.Queued && operation.CancelRequested)
            {
                CancelQueued(index);
            }
            else if (operation.State == OperationState.Pending)
            {
                Retry(index);
            }
        }
    }

    private void Retry(int index)
    {
        _wakeRetries++;
        ref var operation = ref _pool[index];
        operation.ParkedOn?.Remove(operation.WaitNode, index, operation.Generation);
        operation.ParkedOn = null;
        if (operation.CancelRequested)
        {
            RunChainSlow(CompleteSlow(index, Cancelled));
            return;
        }

        operation.State = OperationState.Running;
        var result = Execute(_validation.HandlerOf(operation.Sqe.Op), in operation.Sqe, in operation.Args, index, operation.Target);
        if (result.IsPending)
        {
            Pend(index);
            return;
        }

        RunChainSlow(CompleteSlow(index, result));
    }
}
