using System.Runtime.CompilerServices;
using VerbRing.Verbs;

namespace VerbRing.Kernel.Interpreter;

/// <summary>
/// Waiting, on the slow half of the interpreter: parking a verb that cannot finish, waking it into the ready queue,
/// retrying it there, and timing it out by (slot, generation).
/// </summary>
internal sealed partial class ChainRunner
{
    private static readonly TimeSpan MaxDue = TimeSpan.FromMilliseconds(uint.MaxValue - 1);

    /// <summary>
    /// Called by a handler: the operation waits on <paramref name="queue"/> (or only for its timeout or a cancel).
    /// A staged SQE on the fast half gets its slot here, the first moment it needs one. False — nothing parked, the verb
    /// completes with EAGAIN — when the operation would start waiting while <c>MaxInFlight</c> operations already
    /// wait: a full ring refuses new waiters, it never stops consuming (spec/semantics.md, "Limits").
    /// </summary>
    public bool TryPark(in VerbCall call, WaitQueue? queue, object? target)
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
        queue?.Park(index, operation.Generation);
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

    /// <summary>
    /// Queues a parked (or cancel-marked) operation for a retry after the current step. A wake from the queue it is
    /// parked on unparks it (that queue is clearing itself); any other wake leaves the retry to unpark it.
    /// </summary>
    public void Wake(int index, int generation, WaitQueue? from)
    {
        ref var operation = ref _pool[index];
        if (operation.Generation != generation)
        {
            return;
        }

        if (from is not null && ReferenceEquals(operation.ParkedOn, from))
        {
            operation.ParkedOn = null;
        }

        if (!operation.InReady)
        {
            operation.InReady = true;
            _ready.Enqueue((index, generation));
        }
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

    private void Retry(int index)
    {
        ref var operation = ref _pool[index];
        operation.ParkedOn?.Remove(index, operation.Generation);
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
