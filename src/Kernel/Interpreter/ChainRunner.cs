using System.Runtime.CompilerServices;
using VerbRing.Registers;
using VerbRing.Verbs;

namespace VerbRing.Kernel.Interpreter;

/// <summary>
/// The interpreter: runs an enter's SQEs along one path — decode (<see cref="SubmissionReader"/>), validate
/// (<see cref="Validation"/>), dispatch (Dispatch.cs), complete (Completion.cs) — following LINK and HARDLINK. A verb
/// that cannot finish parks its operation (Waiting.cs); its chain pauses there and resumes when it completes. Every
/// outcome (bad flags, unknown op, errno, timeout, cancel) becomes exactly one CQE. The caller holds the ring's lock.
/// </summary>
// This file: the loop, in two halves over the same steps. The fast half runs SQEs straight from the enter's staged
// copies, arguments on the stack and no slot. The slow half (…Slow) runs chains of operations in slots: it takes
// the rest of an enter at a CANCEL (which must find the enter's queued members) or after a step that woke a parked
// operation (which runs right after that step), and every operation that pends, retries, times out or is cancelled.
// From the hand-over on, both halves produce the same completions in the same order (spec/semantics.md,
// FastPathTests). Cancellation.cs: CANCEL and teardown.
// Design: handlers never run another chain. An event (a pipe write, a close) only wakes parked operations into the
// ready queue; Drain retries them after the current step, in wake order. Timers and cancels find an operation by
// (index, generation), so a slot that was freed and reused is never touched by a stale one.
// A new per-SQE flag: its bit leaves SqeFlags.ReservedMask and Validation.Check accepts it; what it does to the CQE
// goes in Publish (Completion.cs), once for both halves; one that must see other operations (an ordering flag)
// also hands the fast half over, as CANCEL does (RunFast).
internal sealed partial class ChainRunner : IVerbServices
{
    private readonly OperationPool _pool;
    private readonly Sqe[] _staged;
    private readonly CompletionWriter _completions;
    private readonly Validation _validation;
    private readonly SharedRegisters _registers;
    private readonly RingContext _context;
    private readonly IRingObserver? _observer;
    private readonly WaitRules _waits;
    private readonly Queue<(int Index, int Generation)> _ready; // operations to retry, and WokenQueue entries
    private readonly Queue<WaitQueue> _wokenQueues = new(16); // the queue of each WokenQueue entry in _ready, in order
    private readonly int[] _batch; // the slow half's scratch: each staged SQE's slot (a chain head) or ~slot (a member)
    private readonly int[] _batchGeneration;
    private ulong[] _orderKeys; // scratch for putting operations in consumption order (CANCEL, teardown)
    private int[] _orderSlots;
    private int _waiting; // operations that pend, or wait queued behind one that does (Operation.Waits)
    private bool _draining;
    private long _wakeRetries; // diagnostics (LookupCounts): retries of parked operations
    private long _wakeVisits; // diagnostics (LookupCounts): parked operations a wake passed over without a retry
    private FastPathCounts _counts;

    public ChainRunner(RunnerQueues queues, Validation validation, WaitRules waits, RingContext context, IRingObserver? observer)
    {
        _pool = queues.Pool;
        _staged = queues.Staged;
        _completions = queues.Completions;
        _validation = validation;
        _registers = validation.Registers;
        _waits = waits;
        _context = context;
        _observer = observer;
        _ready = new Queue<(int, int)>(_pool.Capacity * 2);
        _batch = new int[_staged.Length];
        _batchGeneration = new int[_staged.Length];
        _orderKeys = new ulong[_pool.Capacity];
        _orderSlots = new int[_pool.Capacity];
        var budget = waits.LoopBudget.TotalSeconds * waits.Time.TimestampFrequency;
        _defaultLoopBudget = waits.LoopBudget == Timeout.InfiniteTimeSpan || budget >= long.MaxValue ? long.MaxValue : (long)budget;
    }

    private enum Member : byte
    {
        /// <summary>The next SQE starts a chain, or continues one whose predecessor completed: it runs.</summary>
        Run,

        /// <summary>The chain broke: the next SQE completes with ECANCELED without running.</summary>
        Cancel,

        /// <summary>The chain waits on a pending operation: the next SQE waits in a slot behind it.</summary>
        Behind,
    }

    /// <summary>
    /// Whether SQEs take the fast half (the default). Off, every SQE takes the slow half; the tests turn it off to
    /// prove that both halves complete the same programs alike.
    /// </summary>
    public bool FastPath { get; set; } = true;

    /// <summary>What the fast half has done so far on this ring (the tests prove with it that each branch ran).</summary>
    public FastPathCounts Counts => _counts;

    /// <summary>What DRAIN's and CANCEL's look-ups of other operations have cost so far (see <see cref="LookupCounts"/>).</summary>
    public LookupCounts Lookups => new(_pool.OrderVisits, _pool.TagVisits, _wakeRetries, _wakeVisits);

    /// <summary>Operations that pend or wait behind one that does (the count <c>RingOptions.MaxInFlight</c> bounds).</summary>
    public int Waiting => _waiting;

    /// <summary>Whether any consumed operation has not completed yet (pending, or queued behind one).</summary>
    public bool HasUnfinished => _pool.InFlight > _completions.BacklogCount;

    /// <summary>
    /// Runs the first <paramref name="count"/> staged SQEs (the enter's copies): the fast half as far as it goes,
    /// the rest — which starts with a chain head — on the slow half.
    /// </summary>
    public void Run(uint count)
    {
        var taken = FastPath ? RunFast(count) : 0u;
        if (taken < count)
        {
            RunSlow(taken, count);
        }
        else
        {
            Drain(); // what the fast half's last step woke
        }

        ReleaseDrains();
    }

    /// <summary>One line per slot in use.</summary>
    public string Describe() => string.Join(
        "; ",
        Enumerable.Range(0, _pool.Capacity).Where(i => _pool[i].State != OperationState.Free).Select(i =>
            $"#{i} {_pool[i].State} op={_pool[i].Sqe.Op} data={_pool[i].Sqe.Data} prev={_pool[i].Prev} next={_pool[i].Next} cancel={_pool[i].CancelRequested} ready={_pool[i].InReady} parked={_pool[i].ParkedOn is not null}"));

    /// <summary>
    /// The fast half: runs staged SQEs in order, each completing at once, and returns how many it took. An SQE takes
    /// a slot only when it must outlive its dispatch — its verb pends (the rest of its chain then waits in slots
    /// behind it) or its CQE finds the CQ full — so the in-flight limit holds exactly as on the slow half.
    /// </summary>
    /// <remarks>
    /// The guard that turns a verb's exception into EIO (<see cref="VerbThrew"/>) is here, once per enter, around
    /// the loop (<see cref="RunFastFrom"/>), not around each dispatch: a try inside the loop kept the loop's locals in
    /// memory (~1.5 ns per SQE). A verb that throws leaves <see cref="_current"/> at its SQE and its arguments in
    /// <see cref="_fastArgs"/>; <see cref="CompleteThrown"/> completes it with EIO, as the loop would have, and the
    /// loop resumes after it. The filter lets the interpreter's own bugs through, as the per-SQE guard did.
    /// </remarks>
    private uint RunFast(uint count)
    {
        var from = 0u;
        var next = Member.Run;
        while (true)
        {
            try
            {
                return RunFastFrom(from, count, next);
            }
#pragma warning disable CA1031 // A verb's bug must not cost the ring a completion or a slot: it becomes EIO.
            catch (Exception) when (_inVerb)
#pragma warning restore CA1031
            {
                _inVerb = false;
                from = (uint)_current + 1;
                next = CompleteThrown(count);
            }
        }
    }

    /// <summary>
    /// The fast half's loop from staged SQE <paramref name="from"/> on, which runs as <paramref name="next"/> says.
    /// Never inlined: inside RunFast's try its locals would be kept in memory again.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private uint RunFastFrom(uint from, uint count, Member next)
    {
        // Whether a step so far woke a parked operation. Nothing leaves the ready queue while the fast half runs
        // (Drain runs after it), so after a throw it is simply whether the queue holds anything.
        var woke = from > 0 && _ready.Count > 0;
        var tail = -1; // with Behind: the slot the next member links after
        for (var i = from; i < count; i++)
        {
            if (next == Member.Run && woke)
            {
                _counts.HandedOverAfterAWake++;
                return Took(i);
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
                CancelMember(in sqe, NoSlot);
                next = continues ? Member.Cancel : Member.Run;
                continue;
            }

            if (sqe.Op == (uint)Op.Cancel)
            {
                _counts.HandedOverAtACancel++;
                return Took(i);
            }

            // A LOOP runs on the slow half; so does a DRAIN head that has something to wait for (Loops.cs, Barriers.cs).
            // Whether the SQE is a chain member matters only to a DRAIN (EINVAL on a member), so only one looks back.
            var member = SqeFlags.Drains(sqe.Flags) && i > 0 && SqeFlags.IsLinked(_staged[i - 1].Flags);
            if (sqe.Op == (uint)Op.Loop || (SqeFlags.Drains(sqe.Flags) && !member && HasUnfinished))
            {
                return Took(i);
            }

            _current = (int)i;
            _inVerb = true;
            var result = Dispatch(in sqe, NoSlot, member, out _fastArgs, out var outcome);
            _inVerb = false;
            result = Settle(result);
            if (result.IsPending)
            {
                tail = PendStaged(in _fastArgs);
                next = continues ? Member.Behind : Member.Run;
            }
            else
            {
                var broke = Publish(in sqe, NoSlot, result, in _fastArgs, outcome);
                next = continues && broke ? Member.Cancel : Member.Run;
            }

            woke |= _ready.Count > 0;
        }

        return Took(count);
    }

    /// <summary>
    /// The verb of staged SQE <see cref="_current"/> threw (its bug): it completes with EIO, as if it had failed
    /// cleanly, exactly as the loop completes a failure; returns how the next SQE runs.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private Member CompleteThrown(uint count)
    {
        var i = (uint)_current;
        ref readonly var sqe = ref _staged[i];
        var continues = i + 1 < count && SqeFlags.IsLinked(sqe.Flags);
        var broke = Publish(in sqe, NoSlot, Settle(VerbThrew), in _fastArgs, TracedOutcome.Ran);
        return continues && broke ? Member.Cancel : Member.Run;
    }

    private uint Took(uint taken)
    {
        _counts.Taken += taken;
        return taken;
    }

    /// <summary>
    /// The slow half of an enter: queues staged SQEs [<paramref name="from"/>, <paramref name="count"/>) into slots
    /// and links them, runs what the fast half's last step woke, then runs each chain from its head.
    /// </summary>
    private void RunSlow(uint from, uint count)
    {
        var previousLinked = false;
        var previous = -1;
        for (var i = from; i < count; i++)
        {
            var index = _pool.Rent(in _staged[i]);
            ref var operation = ref _pool[index];

            // The fast half may hand over mid-chain (at a CANCEL, a LOOP, after a wake): the first SQE here is then
            // still a member of its chain (a DRAIN on it is EINVAL), though it runs as a head on this half.
            operation.Member = previousLinked || (i == from && i > 0 && SqeFlags.IsLinked(_staged[i - 1].Flags));
            if (previousLinked)
            {
                _pool[previous].Next = index;
                operation.Prev = previous;
                _batch[i] = ~index; // a successor: its predecessor runs it
            }
            else
            {
                _batch[i] = index; // a chain head
                _batchGeneration[i] = operation.Generation;
            }

            previousLinked = SqeFlags.IsLinked(operation.Sqe.Flags);
            previous = index;
        }

        Drain();

        // Links never span enters: the last SQE's LINK was simply not followed (there is no successor to point to).
        // A head an earlier chain of the same enter already cancelled completed then, and must not run again.
        for (var i = from; i < count; i++)
        {
            var head = _batch[i];
            if (head < 0)
            {
                continue;
            }

            if (_pool[head].Generation == _batchGeneration[i] && _pool[head].State == OperationState.Queued && !HoldForDrain(head))
            {
                RunChainSlow(head);
            }

            Drain();
        }
    }

    /// <summary>Runs the chain of slots from <paramref name="index"/> as far as it goes (until one pends or it ends).</summary>
    private void RunChainSlow(int index)
    {
        while (index >= 0)
        {
            ref var operation = ref _pool[index];
            if (operation.Sqe.Op == (uint)Op.Loop && operation.LoopOf < 0)
            {
                index = RunLoop(index); // its check: the next iteration's first member, or what follows the loop
                continue;
            }

            if (operation.CancelRequested || LoopCancelled(in operation))
            {
                index = CompleteSlow(index, Cancelled);
                continue;
            }

            operation.State = OperationState.Running;
            var result = Dispatch(in operation.Sqe, index, operation.Member, out var args, out operation.Outcome);

            // The arguments live on the stack; the slot keeps them only when something reads them later (a retry of a
            // parked verb, the observer's trace).
            if (result.IsPending || _observer is not null)
            {
                operation.Args = args;
            }

            if (result.IsPending)
            {
                Pend(index);
                return;
            }

            index = CompleteSlow(index, result);

            // What this step woke (a reader its write fed, what its CANCEL marked) completes right after it,
            // before the rest of its chain. That may complete the successor itself (a CANCEL of it): then the
            // drain already took care of it and of what follows it, and this chain stops here.
            if (_ready.Count > 0 && !_draining)
            {
                var generation = index >= 0 ? _pool[index].Generation : 0;
                Drain();
                if (index >= 0 && (_pool[index].Generation != generation || (_pool[index].State != OperationState.Queued && !IsActiveLoop(index))))
                {
                    index = -1;
                }
            }
        }
    }
}

/// <summary>What the interpreter's path moves SQEs through: the enter's staged copies, the operation slots, the CQ.</summary>
internal readonly record struct RunnerQueues(Sqe[] Staged, OperationPool Pool, CompletionWriter Completions);

/// <summary>
/// How operations wait: the clock their timeouts run on, the callback a timer fires (which takes the ring's lock
/// and calls <see cref="ChainRunner.TimeOut"/>), and how many may wait at once (<c>RingOptions.MaxInFlight</c>).
/// </summary>
/// <param name="Time">The ring's clock.</param>
/// <param name="OnTimer">What a timer calls (takes the lock, then <see cref="ChainRunner.TimeOut"/>).</param>
/// <param name="MaxWaiting">How many operations may wait at once.</param>
/// <param name="LoopBudget">How long a LOOP whose SQE has no timeout may run (the ring's enter timeout).</param>
internal readonly record struct WaitRules(TimeProvider Time, Action<int, int> OnTimer, int MaxWaiting, TimeSpan LoopBudget);
