using VerbRing.Registers;
using VerbRing.Verbs;

namespace VerbRing.Tooling.Fuzzing;

/// <summary>
/// The checking half of a round: every enter and every clock move is followed by <see cref="Settle"/>, which reaps
/// every CQE through the oracle and checks registers, the kernel's own bookkeeping, the in-flight count and the
/// decoy; <see cref="Drain"/> cancels and completes everything outstanding.
/// </summary>
internal sealed partial class FuzzRound
{
    private const int MaxStalls = 10;

    private bool _backlogPossible;
    private bool _pathsDirty;
    private bool _wedged;
    private Errno _lastEnter;

    /// <summary>Enters for <paramref name="amount"/> SQEs (never waiting) and checks what it did.</summary>
    private string? Enter(uint amount)
    {
        var ring = _ring.Ring;
        LayOutPaths();
        Snapshot();
        var queued = ring.SqPending;
        var result = ring.Enter(amount, 0);
        _enters++;
        _lastEnter = result.Error;
        _errnos.Add(result.Error);
        var what = $"enter #{_enters} ({amount} of {queued} queued → consumed {result.Consumed}, {result.Error})";
        if (RingChecks.Enter(result, amount, queued, ring.SqPending) is { } wrong)
        {
            return $"{what}: {wrong}";
        }

        foreach (var entry in _oracle.Consume(result.Consumed))
        {
            if (_paths.EscapeOf(entry.Sqe) is { } escape)
            {
                entry.Escape = escape;
                _escapes++;
            }
        }

        _sqes += result.Consumed;
        return Settle(what, entered: true);
    }

    /// <summary>Moves the clock by <paramref name="by"/> (null: to the next timer) and checks what the timers did.</summary>
    private string? AdvanceClock(TimeSpan? by)
    {
        LayOutPaths();
        Snapshot();
        if (by is { } duration)
        {
            _clock.Advance(duration);
        }
        else
        {
            _clock.TryAdvanceToNextTimer(long.MaxValue);
        }

        return Settle($"clock moved after enter #{_enters}", entered: false);
    }

    private void Snapshot()
    {
        var registers = _ring.Ring.Registers;
        for (var r = 0; r < RegisterFile.Count; r++)
        {
            _before[r] = registers[r];
        }
    }

    /// <summary>The paths again (READs may have scribbled on them); they count as clean unless a backlog may hide a READ.</summary>
    private void LayOutPaths()
    {
        _paths.LayOut(_ring.Ring.Memory);
        _pathsDirty &= _backlogPossible;
    }

    /// <summary>Reaps every CQE and runs every check; returns the first failure, or null.</summary>
    private string? Settle(string what, bool entered)
    {
        var ring = _ring.Ring;
        _oracle.Savers(_mayChange); // registers with a consumed, unreaped saver may have changed
        var reaped = 0;
        while (ring.TryPop(out var cqe))
        {
            reaped++;
            if (_fault == FuzzFault.DropCqe && !_faultDone && _enters >= 2)
            {
                _faultDone = true;
                continue;
            }

            if (_oracle.Complete(cqe, out var entry) is { } problem)
            {
                return $"{what}: {problem}";
            }

            _errnos.Add((Errno)cqe.Error);
            if (CheckEscape(cqe, entry!) is { } escaped)
            {
                return $"{what}: {escaped}";
            }
        }

        // A full CQ may mean completions wait in the kernel's backlog (their saves done, their CQEs not yet visible),
        // and only an enter empties it. With no CQE and no backlog, no verb finished (a verb that touches the host
        // never pends), so nothing on the host can have changed and the hash below may be skipped.
        var nothingFinished = reaped == 0 && !_backlogPossible;
        _backlogPossible = RingChecks.BacklogPossible(_backlogPossible, reaped, ring.Layout.CqEntries, entered);
        InjectFault();
        if (RingChecks.AfterReap(_ring.Kernel, ring.Registers, _oracle, _before, _mayChange, _backlogPossible) is { } broken)
        {
            return $"{what}: {broken}";
        }

        return !nothingFinished && _sandbox.HashOutside() != _baseline ? $"{what}: something outside the sandbox changed" : null;
    }

    /// <summary>
    /// An escape-path OPEN must fail. If it succeeded while its path bytes were intact, that is an escape; if a READ
    /// may have rewritten them, only a host handle outside the sandbox proves one.
    /// </summary>
    private string? CheckEscape(in Cqe cqe, CompletionOracle.Entry entry)
    {
        if (cqe.Op == (uint)Op.Read && cqe.Error == 0 && cqe.Result > 0
            && (SqeFlags.LoadOf(entry.Sqe.Flags, 1) != SqeFlags.RegNone || FuzzPaths.Overlaps(entry.Sqe.Arg1, cqe.Result)))
        {
            _pathsDirty = true;
        }

        if (entry.Escape is not { } escape || cqe.Error != 0)
        {
            return null;
        }

        var text = System.Text.Encoding.UTF8.GetString(escape.Bytes).Replace("\0", "\\0", StringComparison.Ordinal);
        if (!_pathsDirty)
        {
            return $"escape: OPEN \"{text}\" (data {cqe.Data}, flags {entry.Sqe.Arg3}) succeeded with fd {cqe.Result}";
        }

        var outside = _sandbox.FindOpenHandles()
            .Where(h => h != _sandbox.SandboxPath && !h.StartsWith(_sandbox.SandboxPath + "/", StringComparison.Ordinal)).ToList();
        return outside.Count > 0 ? $"escape: a host handle outside the sandbox is open: {string.Join(", ", outside)}" : null;
    }

    /// <summary>
    /// Cancels everything outstanding (each tag once) and lets time run until every consumed SQE has completed and
    /// the SQ is empty. A pool whose every slot pends with nothing to free one (EAGAIN, no progress, no timer or only
    /// decades-away ones) is a wedge: user space can only tear the ring down, so the round ends there.
    /// </summary>
    private string? Drain()
    {
        var ring = _ring.Ring;
        var cancelOf = new Dictionary<ulong, ulong>(); // tag → the data of the CANCEL sent for it
        var stalls = 0;
        var idleCancels = 0; // rounds in which the fewest outstanding operations did not go down
        var fewest = int.MaxValue;
        while (_oracle.Outstanding > 0 || ring.SqPending > 0)
        {
            var before = (_sqes, _oracle.Outstanding, ring.SqPending);
            if (idleCancels++ > MaxStalls * 4)
            {
                return $"{_oracle.Outstanding} operations never completed ({_oracle.MaybeQuiet} may be quiet) though every one was cancelled: {_ring.Kernel.DescribeInFlight()}";
            }

            if (Enter(ring.SqPending) is { } failure) // with nothing queued, it still flushes the backlog
            {
                return failure;
            }

            if (ring.SqPending == 0 && !_backlogPossible)
            {
                // A tag is targeted again once its CANCEL has completed and it is still outstanding: the program's own
                // CANCELs may cancel ours (their tag can be any data, ours included), as any queued operation.
                var outstanding = _oracle.OutstandingData().ToHashSet();
                // Tags never targeted first: a quiet operation that completed unseen stays outstanding, and its CANCEL
                // (ENOENT) must not crowd out the one that would end what still runs.
                var targets = outstanding.Where(t => !cancelOf.ContainsKey(t))
                    .Concat(outstanding.Where(t => cancelOf.TryGetValue(t, out var c) && !outstanding.Contains(c)));
                foreach (var tag in targets.Take((int)ring.SqSpace).ToList())
                {
                    var cancel = _oracle.Push(Sqes.Cancel(tag));
                    cancelOf[tag] = cancel.Data;
                    ring.Push(cancel);
                }

                var next = ring.SqPending > 0 ? Enter(ring.SqPending)
                    : _oracle.Outstanding > 0 ? AdvanceClock(null) // cancelled all there is: what is left needs time
                    : null;
                if (next is not null)
                {
                    return next;
                }
            }

            stalls = before == (_sqes, _oracle.Outstanding, ring.SqPending) ? stalls + 1 : 0;
            idleCancels = _oracle.Outstanding < fewest ? 0 : idleCancels;
            fewest = Math.Min(fewest, _oracle.Outstanding);
            if (stalls > 0 && _lastEnter == Errno.EAGAIN && (_clock.ArmedTimers == 0 || stalls >= MaxStalls))
            {
                _wedged = true;
                return null;
            }

            if (stalls >= MaxStalls * 2)
            {
                return $"{_oracle.Outstanding} operations never completed, {ring.SqPending} SQEs never consumed: {_ring.Kernel.DescribeInFlight()}";
            }
        }

        return null;
    }
}
