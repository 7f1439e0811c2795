using VerbRing.Registers;
using VerbRing.Verbs;

namespace VerbRing.Kernel.Interpreter;

/// <summary>
/// The fast path: runs an enter's SQEs straight from their copies in the staging array (taken out of the SQ in one
/// block before shead was published), arguments on the stack and no operation slot. An SQE takes a slot only when it
/// must outlive its dispatch — its verb pends (the rest of its chain then waits in slots behind it) or its CQE finds
/// the CQ full (the backlog) — so the enter's in-flight limit holds exactly as on the general path.
/// </summary>
// Why it stops where it does: on the general path every SQE of an enter is queued in a slot before any runs, and two
// things can see that. A CANCEL finds queued operations of its own enter; a parked operation woken by a step runs
// right after that step and may be followed by a CANCEL of its own. So the fast path hands the rest of the enter to
// the general path before a CANCEL and after a step that woke anything: from there on, both paths produce the same
// completions in the same order, and the fast path is only an optimisation (spec/semantics.md, FastPathTests).
internal sealed partial class ChainRunner
{
    /// <summary>The slot index a fast-path SQE's <see cref="VerbCall"/> carries: it has no slot (yet).</summary>
    public const int DirectIndex = -1;

    private int _current; // the staged SQE running on the fast path
    private int _adopted = -1; // the slot it parked into, or -1
    private FastPathCounts _counts;
    private Arguments _observedArgs; // with an observer: the running fast-path SQE's arguments as loaded
    private bool _inVerb; // a verb is running: an exception now is its bug (EIO); any other is the kernel's own

    private enum Member : byte
    {
        /// <summary>The next SQE starts a chain, or continues one whose predecessor completed: it runs.</summary>
        Run,

        /// <summary>The chain broke: the next SQE completes with ECANCELED without running.</summary>
        Cancel,

        /// <summary>The chain waits on a pending operation: the next SQE waits in a slot behind it.</summary>
        Behind,
    }

    /// <summary>What the fast path has done so far on this ring (the tests prove with it that each branch ran).</summary>
    public FastPathCounts Counts => _counts;

    /// <summary>
    /// Runs the first of the <paramref name="count"/> staged SQEs on the fast path and returns how many it took.
    /// The rest, if any, start with a chain head: the caller queues them into slots, runs what the last step woke,
    /// then runs their chains.
    /// </summary>
    public uint RunDirect(uint count)
    {
        var start = 0u;
        var next = Member.Run;
        var woke = false;
        while (true)
        {
            // The guard that turns a verb's exception into EIO sits here, once per enter, not around every verb:
            // dispatch inlines into the loop. A verb only runs with the loop in a known state (a fresh member, nothing
            // woken yet), so the loop resumes after the throwing SQE from that state.
            try
            {
                var taken = RunDirect(start, count, next, woke);
                _counts.Taken += taken;
                return taken;
            }
#pragma warning disable CA1031 // A verb's bug must not cost the ring a completion or a slot: it becomes EIO.
            catch (Exception) when (_inVerb)
#pragma warning restore CA1031
            {
                _inVerb = false;
                var i = (uint)_current;
                if (_adopted >= 0)
                {
                    ReleaseAdopted();
                }

                ref readonly var sqe = ref _staged[i];
                var args = _observer is not null ? _observedArgs : AsSubmitted(in sqe);
                var broke = CompleteDirect(in sqe, VerbResult.Fail(Errno.EIO), in args, TracedOutcome.Ran);
                next = i + 1 < count && SqeFlags.IsLinked(sqe.Flags) && broke ? Member.Cancel : Member.Run;
                woke = _ready.Count > 0;
                start = i + 1;
            }
        }
    }

    private uint RunDirect(uint start, uint count, Member next, bool woke)
    {
        var tail = -1; // with Behind: the slot the next member links after
        for (var i = start; i < count; i++)
        {
            if (next == Member.Run && woke)
            {
                _counts.HandedOverAfterAWake++;
                return i;
            }

            if (next == Member.Behind)
            {
                tail = QueueBehind(i, tail);
                next = tail >= 0 ? Member.Behind : Member.Run;
                continue;
            }

            ref readonly var sqe = ref _staged[i];
            var continues = i + 1 < count && SqeFlags.IsLinked(sqe.Flags);
            if (next == Member.Cancel)
            {
                _counts.CancelledMembers++;
                CancelDirect(in sqe);
                next = continues ? Member.Cancel : Member.Run;
                continue;
            }

            if (sqe.Op == (uint)Op.Cancel)
            {
                _counts.HandedOverAtACancel++;
                return i;
            }

            // A LOOP runs on the general path; so does a DRAIN head that has something to wait for.
            var member = i > 0 && SqeFlags.IsLinked(_staged[i - 1].Flags);
            if (sqe.Op == (uint)Op.Loop || (SqeFlags.Drains(sqe.Flags) && !member && HasUnfinished))
            {
                return i;
            }

            _current = (int)i;
            var result = DispatchDirect(in sqe, member, out var args, out var outcome);
            if (result.IsPending)
            {
                // A verb pends by parking, which gave it a slot; one that answered "pending" without parking (a bug)
                // gets a slot now, unparked, exactly as the general path would leave it: until a timeout or cancel.
                tail = _adopted >= 0 ? _adopted : AdoptSlot(in args);
                _adopted = -1;
                Pend(tail);
                next = continues ? Member.Behind : Member.Run;
            }
            else
            {
                var broke = CompleteDirect(in sqe, result, in args, outcome);
                next = continues && broke ? Member.Cancel : Member.Run;
            }

            woke |= _ready.Count > 0;
        }

        return count;
    }

    /// <summary>Runs whatever the fast path's last step woke (the general path's drain after a step), then any DRAIN head it freed.</summary>
    public void RunWoken()
    {
        Drain();
        ReleaseDrains();
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private VerbResult DispatchDirect(ref readonly Sqe sqe, bool member, out Arguments args, out TracedOutcome outcome)
    {
        var error = Prepare(in sqe, member, out var handler, out args, out outcome);
        if (error != Errno.OK)
        {
            return VerbResult.Fail(error);
        }

        if (_observer is not null)
        {
            _observedArgs = args; // a verb that throws unwinds this frame; its trace still shows what it was given
        }

        var call = new VerbCall(_context, in args, sqe.Op, sqe.Data, sqe.Timeout, DirectIndex, target: null);
        _inVerb = true;
        var result = handler.Execute(in call);
        _inVerb = false;
        if (!result.IsPending && _adopted >= 0)
        {
            ReleaseAdopted(); // parked, then answered anyway: the answer stands, the slot goes back
        }

        return result;
    }

    /// <summary>Saves and publishes a fast-path SQE's result; true when the failure breaks its chain.</summary>
    private bool CompleteDirect(ref readonly Sqe sqe, VerbResult result, in Arguments args, TracedOutcome outcome)
    {
        var value = result.Value; // Abi.Err on failure, or what a partial failure still did
        SaveResult(sqe.Flags, result.Error, value);

        if (_observer is not null)
        {
            ObserveDirect(in sqe, outcome == TracedOutcome.Ran ? args : AsSubmitted(in sqe), outcome, result.Error, value);
        }

        if (result.Error != Errno.OK || !SqeFlags.SkipsSuccess(sqe.Flags))
        {
            PostDirect(in sqe, result.Error, value); // SKIP_SUCCESS: a success posts nothing
        }

        return BreaksChain(sqe.Flags, result.Error);
    }

    /// <summary>A member of a broken chain: ECANCELED, never run, no register written.</summary>
    private void CancelDirect(ref readonly Sqe sqe)
    {
        if (_observer is not null)
        {
            ObserveDirect(in sqe, AsSubmitted(in sqe), TracedOutcome.Cancelled, Errno.ECANCELED, Abi.Err);
        }

        PostDirect(in sqe, Errno.ECANCELED, Abi.Err);
    }

    /// <summary>Writes the CQE, or — the CQ full, or a backlog ahead of it — gives the SQE a slot to wait in the backlog with.</summary>
    private void PostDirect(ref readonly Sqe sqe, Errno error, ulong value)
    {
        if (_completions.TryPostDirect(sqe.Op, sqe.Data, error, value))
        {
            return;
        }

        _counts.Backlogged++;
        var index = _pool.Rent();
        ref var operation = ref _pool[index];
        operation.Sqe = sqe;
        operation.State = OperationState.Completed;
        _completions.Backlog(index, error, value);
    }

    /// <summary>
    /// Queues staged SQE <paramref name="position"/> into a slot behind <paramref name="tail"/>; returns its slot if
    /// the chain goes on past it, else -1.
    /// </summary>
    private int QueueBehind(uint position, int tail)
    {
        _counts.QueuedBehind++;
        var index = _pool.Rent();
        ref var operation = ref _pool[index];
        operation.Sqe = _staged[position];
        operation.Member = true;
        operation.Waits = true; // behind a pending operation: it waits as long as that one does
        _waiting++;
        _pool[tail].Next = index;
        operation.Prev = tail;
        return SqeFlags.IsLinked(operation.Sqe.Flags) ? index : -1;
    }

    /// <summary>
    /// A fast-path SQE's verb parks: from now on it is an operation like any other, in a slot. A second park by the
    /// same verb call finds the slot the first one took.
    /// </summary>
    private int Adopt(in VerbCall call) => _adopted >= 0
        ? _adopted
        : AdoptSlot(new Arguments { A0 = call.Arg0, A1 = call.Arg1, A2 = call.Arg2, A3 = call.Arg3, A4 = call.Arg4 });

    private int AdoptSlot(in Arguments args)
    {
        _counts.Adopted++;
        var index = _pool.Rent();
        ref var operation = ref _pool[index];
        operation.Sqe = _staged[_current];
        operation.Member = _current > 0 && SqeFlags.IsLinked(_staged[_current - 1].Flags);
        operation.Args = args;
        operation.State = OperationState.Running;
        operation.Outcome = TracedOutcome.Ran;
        _adopted = index;
        return index;
    }

    private void ReleaseAdopted()
    {
        ref var operation = ref _pool[_adopted];
        operation.ParkedOn?.Remove(_adopted, operation.Generation);
        _pool.Return(_adopted);
        _adopted = -1;
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private void ObserveDirect(ref readonly Sqe sqe, in Arguments args, TracedOutcome outcome, Errno error, ulong value) =>
        _observer!.OnCompleted(Trace(in sqe, in args, outcome, error, value));
}
