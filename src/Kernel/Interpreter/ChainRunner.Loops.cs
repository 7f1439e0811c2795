using VerbRing.Kernel.Handlers;
using VerbRing.Registers;
using VerbRing.Verbs;

namespace VerbRing.Kernel.Interpreter;

/// <summary>What a running LOOP keeps in its slot: where its body and the rest of its chain are, and its count.</summary>
internal struct LoopState
{
    /// <summary>The loop passed its first check and has not ended: its body is detached, it runs iterations.</summary>
    public bool Active;

    /// <summary>The first of the body's SQEs, kept in slots as templates (never run themselves).</summary>
    public int Body;

    /// <summary>The rest of the chain after the body, or -1.</summary>
    public int After;

    public ulong Iterations;
    public ulong Bound;

    /// <summary>When the first check ran, and how long the loop may run (timestamp ticks; long.MaxValue: no limit).</summary>
    public long Start;
    public long Budget;

    /// <summary>The first failure of the current iteration (OK: none yet).</summary>
    public Errno Error;

    /// <summary>The body copy that pended last (-1: none yet), and its generation: what a CANCEL of the loop cancels.</summary>
    public int Parked;
    public int ParkedGeneration;
}

/// <summary>
/// LOOPs on the general path (spec/semantics.md, "Loops"). At its first check a LOOP detaches its body — the next
/// <c>body</c> members of its chain — and keeps those slots as templates; each iteration copies the templates into
/// fresh slots linked back to the LOOP, so a body member runs, pends, wakes, is cancelled and completes exactly like
/// any chain member, and the LOOP makes its next check when the last one is done. Quiet successes post nothing and
/// free their slot; the first failure of an iteration ends the loop.
/// </summary>
internal sealed partial class ChainRunner
{
    /// <summary><see cref="Operation.LoopOf"/> of a body template: a slot a LOOP keeps to copy, never run.</summary>
    private const int Template = -2;

    private readonly long _defaultLoopBudget;

    /// <summary>Whether operation <paramref name="index"/> is a LOOP between its first check and its end.</summary>
    private bool IsActiveLoop(int index) => _pool[index].Loop.Active;

    /// <summary>
    /// The LOOP at <paramref name="head"/> makes a check: its first (shape, bound, registers), or the one after an
    /// iteration. Returns the slot to run next: the first member of a new iteration, or what follows the ended loop.
    /// </summary>
    private int RunLoop(int head)
    {
        ref var loop = ref _pool[head];
        Errno error;
        if (!loop.Loop.Active)
        {
            if (loop.CancelRequested)
            {
                loop.Outcome = TracedOutcome.Cancelled;
                return EndLoop(head, Errno.ECANCELED, detached: false); // never started: it stays "not run"
            }

            loop.State = OperationState.Running;
            error = _validation.Check(in loop.Sqe, loop.Member, out _, out var args, out loop.Outcome);
            loop.Args = args;
            error = error != Errno.OK ? error : LoopVerb.Validate(args.A1, args.A3, args.A4);
            error = error != Errno.OK ? error : CheckBody(head, (int)args.A4);
            if (error != Errno.OK)
            {
                return EndLoop(head, error, detached: false);
            }

            Detach(head, (int)args.A4);
        }
        else
        {
            error = loop.CancelRequested ? Errno.ECANCELED : loop.Loop.Error;
            if (error != Errno.OK)
            {
                return EndLoop(head, error, detached: true);
            }

            // left and right are loaded again before every check; compare, bound and body were read at the first.
            _validation.Reload(in loop.Sqe, out var args); // its modifiers passed the first check
            (loop.Args.A0, loop.Args.A2) = (args.A0, args.A2);
        }

        var elapsed = _waits.Time.GetTimestamp() - loop.Loop.Start;
        var decision = LoopVerb.Check(loop.Args.A0, loop.Args.A1, loop.Args.A2, loop.Loop.Iterations, loop.Loop.Bound, elapsed >= loop.Loop.Budget);
        if (decision != LoopVerb.Decision.Iterate)
        {
            return EndLoop(head, LoopVerb.ErrorOf(decision), detached: true);
        }

        loop.Loop.Iterations++;
        return CloneBody(head);
    }

    /// <summary>
    /// The body a LOOP names: <paramref name="length"/> members follow it in its chain, none a LOOP, each with
    /// SKIP_SUCCESS and without DRAIN; else EINVAL.
    /// </summary>
    private Errno CheckBody(int head, int length)
    {
        var member = _pool[head].Next;
        for (var i = 0; i < length; i++, member = _pool[member].Next)
        {
            if (member < 0)
            {
                return Errno.EINVAL; // the chain ends inside the body
            }

            var flags = _pool[member].Sqe.Flags;
            if (_pool[member].Sqe.Op == (uint)Op.Loop || !SqeFlags.SkipsSuccess(flags) || SqeFlags.Drains(flags))
            {
                return Errno.EINVAL;
            }
        }

        return Errno.OK;
    }

    /// <summary>Takes the body out of the chain (its slots become templates) and starts the count and the clock.</summary>
    private void Detach(int head, int length)
    {
        ref var loop = ref _pool[head];
        var last = loop.Next;
        for (var i = 1; i < length; i++)
        {
            last = _pool[last].Next;
        }

        for (var template = loop.Next; template >= 0; template = template == last ? -1 : _pool[template].Next)
        {
            _pool[template].LoopOf = Template;
            _pool.RemoveTag(template); // no CANCEL finds a template: it need not walk past one
        }

        loop.Loop = new LoopState
        {
            Active = true,
            Body = loop.Next,
            After = _pool[last].Next,
            Bound = loop.Args.A3,
            Start = _waits.Time.GetTimestamp(),
            Parked = -1,
            Budget = loop.Sqe.Timeout == 0 ? _defaultLoopBudget : loop.Sqe.Timeout == ulong.MaxValue ? long.MaxValue : Ticks(loop.Sqe.Timeout),
        };
        _pool[last].Next = -1;
        loop.Next = -1;
        if (loop.Loop.After >= 0)
        {
            _pool[loop.Loop.After].Prev = head; // a CANCEL that splices it out updates the loop, never a template
        }
    }

    /// <summary>One iteration: fresh slots copied from the templates, the last linked back to the LOOP.</summary>
    private int CloneBody(int head)
    {
        var first = -1;
        var previous = -1;
        for (var template = _pool[head].Loop.Body; template >= 0; template = _pool[template].Next)
        {
            var clone = _pool.Rent(in _pool[template].Sqe);
            ref var member = ref _pool[clone];
            member.Member = true;
            member.LoopOf = head;
            member.Prev = previous;
            if (previous >= 0)
            {
                _pool[previous].Next = clone;
            }
            else
            {
                first = clone;
            }

            previous = clone;
        }

        _pool[previous].Next = head;
        _pool[head].Loop.Error = Errno.OK;
        return first;
    }

    /// <summary>
    /// The loop ends: a body it did not run to the end is cancelled (ECANCELED each, before the LOOP's CQE), the
    /// templates are released, and the LOOP completes — its result the iterations, or the failure — and its own bit
    /// decides whether the rest of the chain runs.
    /// </summary>
    private int EndLoop(int head, Errno error, bool detached)
    {
        ref var loop = ref _pool[head];
        if (detached)
        {
            for (var template = loop.Loop.Body; template >= 0;)
            {
                var next = _pool[template].Next;
                StopWaiting(ref _pool[template]);
                _pool.Return(template); // a template never runs: its runs were the clones
                template = next;
            }

            loop.Next = loop.Loop.After;
        }
        else
        {
            // Never detached: the body is still the next members of the chain; each is cancelled, as far as it goes.
            // Its length is arg4 as loaded — or, when the LOOP failed before its loads, as written (0 if loaded).
            var length = loop.Outcome == TracedOutcome.Ran ? loop.Args.A4
                : SqeFlags.LoadOf(loop.Sqe.Flags, 4) == SqeFlags.RegNone ? loop.Sqe.Arg4 : 0;
            var member = loop.Next;
            for (var i = 0UL; i < Math.Min(length, Abi.MaxLoopBody + 1) && member >= 0; i++)
            {
                var next = _pool[member].Next;
                CancelOne(member);
                member = next;
            }

            loop.Next = member;
        }

        var iterations = loop.Loop.Iterations;
        loop.Loop = default;
        return CompleteSlow(head, error == Errno.OK ? VerbResult.Ok(iterations) : VerbResult.Fail(error));
    }

    /// <summary>A LOOP refused before its first check (EAGAIN at the waiting limit): its body is cancelled before it.</summary>
    private int RefuseLoop(int head, Errno error)
    {
        _pool[head].State = OperationState.Running;
        _pool[head].Outcome = TracedOutcome.Refused;
        return EndLoop(head, error, detached: false);
    }

    /// <summary>A member that will never run: ECANCELED, no register written, its successors left alone.</summary>
    private void CancelOne(int index)
    {
        ref var operation = ref _pool[index];
        operation.State = OperationState.Completed;
        StopWaiting(ref operation);
        CancelMember(in operation.Sqe, index);
    }

    /// <summary>
    /// CANCEL matched a running LOOP: it ends at its next check, and the body member it waits on (if any) is
    /// cancelled now — that member, and the rest of the body after it, complete with ECANCELED.
    /// </summary>
    /// <remarks>
    /// An iteration's copies run one after another, so at most one of them is pending: the one that pended last, if
    /// it still is (Pend keeps it in the LOOP's state) — found without a walk of the pool.
    /// </remarks>
    private void CancelLoop(int head)
    {
        _pool[head].CancelRequested = true;
        var parked = _pool[head].Loop.Parked;
        var pending = parked >= 0 && _pool[parked].Generation == _pool[head].Loop.ParkedGeneration
            && _pool[parked].LoopOf == head && _pool[parked].State == OperationState.Pending;
        System.Diagnostics.Debug.Assert(
            Enumerable.Range(0, _pool.Capacity).Where(i => _pool[i].LoopOf == head && _pool[i].State == OperationState.Pending).SequenceEqual(pending ? [parked] : []),
            "a loop's only pending copy is the one that pended last");
        if (pending)
        {
            Cancel(parked);
        }
    }

    /// <summary>Whether a member cloned for a loop must not run: its LOOP was cancelled.</summary>
    private bool LoopCancelled(in Operation operation) => operation.LoopOf >= 0 && _pool[operation.LoopOf].CancelRequested;
}
