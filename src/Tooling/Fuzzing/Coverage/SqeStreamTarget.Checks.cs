using VerbRing.Registers;
using VerbRing.Verbs;

namespace VerbRing.Tooling.Fuzzing.Coverage;

/// <summary>
/// The checking half of <see cref="SqeStreamTarget"/>: every enter and clock move is followed by <see cref="Settle"/>
/// (reap every CQE through the oracle, then <see cref="RingChecks.AfterReap"/>); <see cref="Drain"/> cancels and
/// completes everything outstanding, as <see cref="FuzzRound"/>'s drain does.
/// </summary>
internal sealed partial class SqeStreamTarget
{
    private void Enter(uint amount)
    {
        var ring = _ring.Ring;
        Snapshot();
        var queued = ring.SqPending;
        var result = ring.Enter(amount, 0);
        _enters++;
        _lastEnter = result.Error;
        Fail(RingChecks.Enter(result, amount, queued, ring.SqPending) is { } wrong
            ? $"enter #{_enters} ({amount} of {queued} queued → consumed {result.Consumed}, {result.Error}): {wrong}"
            : null);
        _oracle.Consume(result.Consumed);
        _consumed += result.Consumed;
        Settle($"enter #{_enters}", entered: true);
    }

    /// <summary>Moves the clock by <paramref name="by"/> (null: to the next armed timer) and checks what the timers did.</summary>
    private void MoveClock(TimeSpan? by)
    {
        Snapshot();
        if (by is { } duration)
        {
            _clock.Advance(duration);
        }
        else
        {
            _clock.TryAdvanceToNextTimer(long.MaxValue);
        }

        Settle($"clock moved after enter #{_enters}", entered: false);
    }

    private void Snapshot()
    {
        for (var r = 0; r < RegisterFile.Count; r++)
        {
            _before[r] = _ring.Ring.Registers[r];
        }
    }

    private void Settle(string what, bool entered)
    {
        var ring = _ring.Ring;
        _oracle.Savers(_mayChange); // registers with a consumed, unreaped saver may have changed
        var reaped = 0;
        while (ring.TryPop(out var cqe))
        {
            reaped++;
            if (_oracle.Complete(cqe, out _) is { } problem)
            {
                throw new CoverageFinding($"{what}: {problem}");
            }
        }

        _backlogPossible = RingChecks.BacklogPossible(_backlogPossible, reaped, ring.Layout.CqEntries, entered);
        if (RingChecks.AfterReap(_ring.Kernel, ring.Registers, _oracle, _before, _mayChange, _backlogPossible) is { } broken)
        {
            throw new CoverageFinding($"{what}: {broken}");
        }
    }

    /// <summary>
    /// Cancels everything outstanding (each tag again once its CANCEL completed: the input's own CANCELs may cancel
    /// ours) and lets time run until every consumed SQE completed. A pool whose every slot pends with nothing to
    /// free one is a wedge: user space can only tear down, so the drain stops there.
    /// </summary>
    private void Drain()
    {
        var ring = _ring.Ring;
        var cancelOf = new Dictionary<ulong, ulong>(); // tag → the data of the CANCEL sent for it
        var stalls = 0;
        while (_oracle.Outstanding > 0 || ring.SqPending > 0)
        {
            var before = (_consumed, _oracle.Outstanding, ring.SqPending);
            Enter(ring.SqPending); // with nothing queued, it still flushes the backlog
            if (ring.SqPending == 0 && !_backlogPossible)
            {
                var outstanding = _oracle.OutstandingData().ToHashSet();
                foreach (var tag in outstanding.Where(t => !cancelOf.TryGetValue(t, out var c) || !outstanding.Contains(c)).Take((int)ring.SqSpace).ToList())
                {
                    var cancel = _oracle.Push(Sqes.Cancel(tag));
                    cancelOf[tag] = cancel.Data;
                    ring.Push(cancel);
                }

                if (ring.SqPending > 0)
                {
                    Enter(ring.SqPending);
                }
                else if (_oracle.Outstanding > 0)
                {
                    MoveClock(null); // cancelled all there is: what is left needs time
                }
            }

            stalls = before == (_consumed, _oracle.Outstanding, ring.SqPending) ? stalls + 1 : 0;
            if (stalls > 0 && _lastEnter == Errno.EAGAIN && (_clock.ArmedTimers == 0 || stalls >= MaxStalls))
            {
                _wedged = true;
                return;
            }

            Fail(stalls >= MaxStalls * 2
                ? $"{_oracle.Outstanding} operations never completed, {ring.SqPending} SQEs never consumed: {_ring.Kernel.DescribeInFlight()}"
                : null);
        }
    }
}
