using VerbRing.Registers;
using VerbRing.Verbs;

namespace VerbRing.Kernel.Interpreter;

/// <summary>
/// Runs chains of operations: loads registers at dispatch, calls the verb's handler, saves the result before the
/// CQE is published, follows LINK and HARDLINK. A verb that cannot finish parks its operation; its chain pauses
/// there and resumes — loading the successor's registers then — when the operation completes. Every outcome (bad
/// flags, unknown op, errno, timeout, cancel) becomes exactly one CQE. The caller holds the ring's lock.
/// </summary>
// This file: dispatch, register loads, completion and link following for operations in slots. ChainRunner.Direct.cs:
// the fast path, SQEs run straight from the enter's copies. ChainRunner.Pending.cs: parking, waking, retries, timeouts.
// ChainRunner.Cancel.cs: CANCEL and teardown.
// Design: handlers never run another chain. An event (a pipe write, a close) only wakes parked operations into the
// ready queue; Drain retries them after the current step, in wake order. Timers and cancels find an operation by
// (index, generation), so a slot that was freed and reused is never touched by a stale one.
internal sealed partial class ChainRunner
{
    private readonly OperationPool _pool;
    private readonly Sqe[] _staged;
    private readonly CompletionWriter _completions;
    private readonly VerbTable _verbs;
    private readonly bool[] _permitted;
    private readonly RingContext _context;
    private readonly RegisterFile _registers;
    private readonly IRingObserver? _observer;
    private readonly TimeProvider _time;
    private readonly Action<int, int> _onTimer;
    private readonly Queue<(int Index, int Generation)> _ready;
    private readonly int _maxWaiting;
    private ulong[] _orderKeys; // scratch for putting operations in consumption order (CANCEL, teardown)
    private int[] _orderSlots;
    private int _waiting; // operations that pend, or wait queued behind one that does (Operation.Waits)
    private bool _draining;

    public ChainRunner(
        OperationPool pool, Sqe[] staged, CompletionWriter completions, VerbTable verbs, bool[] permitted, RingContext context, RegisterFile registers,
        IRingObserver? observer, TimeProvider time, Action<int, int> onTimer, int maxWaiting, TimeSpan loopBudget)
    {
        _pool = pool;
        _staged = staged;
        _completions = completions;
        _verbs = verbs;
        _permitted = permitted;
        _context = context;
        _registers = registers;
        _observer = observer;
        _time = time;
        _onTimer = onTimer;
        _maxWaiting = maxWaiting;
        _ready = new Queue<(int, int)>(pool.Capacity * 2);
        _orderKeys = new ulong[pool.Capacity];
        _orderSlots = new int[pool.Capacity];
        _defaultLoopBudget = loopBudget == Timeout.InfiniteTimeSpan || loopBudget.TotalSeconds * time.TimestampFrequency >= long.MaxValue
            ? long.MaxValue
            : (long)(loopBudget.TotalSeconds * time.TimestampFrequency);
    }

    /// <summary>Operations that pend or wait behind one that does (the count <c>RingOptions.MaxInFlight</c> bounds).</summary>
    public int Waiting => _waiting;

    /// <summary>Whether any consumed operation has not completed yet (pending, or queued behind one).</summary>
    public bool HasUnfinished => _pool.InFlight > _completions.BacklogCount;

    /// <summary>
    /// Runs the chain that starts at <paramref name="head"/> as far as it goes, then whatever it woke — unless an
    /// earlier chain of the same enter already cancelled that head (it completed then, and must not run again).
    /// </summary>
    public void Start(int head, int generation)
    {
        ref var operation = ref _pool[head];
        if (operation.Generation == generation && operation.State == OperationState.Queued && !HoldForDrain(head))
        {
            RunChain(head);
        }

        Drain();
        ReleaseDrains();
    }

    /// <summary>One line per slot in use.</summary>
    public string Describe() => string.Join(
        "; ",
        Enumerable.Range(0, _pool.Capacity).Where(i => _pool[i].State != OperationState.Free).Select(i =>
            $"#{i} {_pool[i].State} op={_pool[i].Sqe.Op} data={_pool[i].Sqe.Data} prev={_pool[i].Prev} next={_pool[i].Next} cancel={_pool[i].CancelRequested} ready={_pool[i].InReady} parked={_pool[i].ParkedOn is not null}"));

    private void RunChain(int index)
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
                index = Complete(index, VerbResult.Fail(Errno.ECANCELED));
                continue;
            }

            operation.State = OperationState.Running;
            var result = Dispatch(index);
            if (result.IsPending)
            {
                Pend(index);
                return;
            }

            index = Complete(index, result);

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

    private VerbResult Dispatch(int index)
    {
        ref var operation = ref _pool[index];
        var error = Prepare(in operation.Sqe, operation.Member, out var handler, out var args, out operation.Outcome);
        if (error != Errno.OK)
        {
            return VerbResult.Fail(error);
        }

        // The arguments live on the stack; the slot keeps them only when something reads them later (a retry of a
        // parked verb, the observer's trace).
        var result = Execute(index, handler, target: null, in args);
        if (result.IsPending || _observer is not null)
        {
            _pool[index].Args = args;
        }

        return result;
    }

    /// <summary>
    /// What dispatch checks before a verb runs, on either path: the flags and the op (EINVAL), the ring's policy
    /// (EPERM), then the register loads (EINVAL for an unknown modifier). OK: <paramref name="handler"/> runs with
    /// <paramref name="args"/>. DRAIN on a <paramref name="member"/> (not its chain's head) is a malformed SQE too.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private Errno Prepare(ref readonly Sqe sqe, bool member, out IVerbHandler handler, out Arguments args, out TracedOutcome outcome)
    {
        var flags = sqe.Flags;
        outcome = TracedOutcome.Refused;
        args = default;
        handler = null!;
        if ((flags & SqeFlags.ReservedMask) != 0 || _verbs.Find(sqe.Op) is not { } found || (member && SqeFlags.Drains(flags)))
        {
            return Errno.EINVAL;
        }

        // The ring's policy, before anything the verb would touch (registers included) is looked at.
        handler = found;
        if (!_permitted[sqe.Op])
        {
            outcome = TracedOutcome.Denied;
            return Errno.EPERM;
        }

        // Registers are loaded now, at dispatch: after a linked predecessor saved its result, never at submission.
        args = AsSubmitted(in sqe);
        if ((flags & SqeFlags.AllLoadsMask) != SqeFlags.AllLoadsMask && !LoadAll(flags, ref args))
        {
            return Errno.EINVAL; // an unknown load modifier
        }

        outcome = TracedOutcome.Ran;
        return Errno.OK;
    }

    private VerbResult Execute(int index, IVerbHandler handler, object? target, in Arguments args)
    {
        ref var operation = ref _pool[index];
        var call = new VerbCall(_context, in args, operation.Sqe.Op, operation.Sqe.Data, operation.Sqe.Timeout, index, target);
        try
        {
            return handler.Execute(in call);
        }
#pragma warning disable CA1031 // A verb's bug must not cost the ring a completion or a slot: it becomes EIO.
        catch (Exception)
#pragma warning restore CA1031
        {
            if (_pool[index].ParkedOn is { } queue)
            {
                queue.Remove(index, _pool[index].Generation);
                _pool[index].ParkedOn = null;
            }

            return VerbResult.Fail(Errno.EIO);
        }
    }

    private bool LoadAll(uint flags, ref Arguments args) =>
        Load(flags, 0, ref args.A0) & Load(flags, 1, ref args.A1) & Load(flags, 2, ref args.A2)
        & Load(flags, 3, ref args.A3) & Load(flags, 4, ref args.A4);

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private bool Load(uint flags, int arg, ref ulong value)
    {
        var specifier = SqeFlags.LoadOf(flags, arg);
        if (specifier == SqeFlags.RegNone)
        {
            return true;
        }

        // With a load, the immediate is a modifier: the whole register, or one 32-bit half (a pipe's two fds).
        var register = _registers[specifier];
        switch ((LoadModifier)value)
        {
            case LoadModifier.Whole:
                value = register;
                return true;
            case LoadModifier.Low32:
                value = register == Abi.Err ? Abi.Err : (uint)register;
                return true;
            case LoadModifier.High32:
                value = register == Abi.Err ? Abi.Err : register >> 32;
                return true;
            default:
                return false;
        }
    }

    /// <summary>Saves, publishes, and returns the successor to run next (or -1).</summary>
    private int Complete(int index, VerbResult result)
    {
        ref var operation = ref _pool[index];
        operation.Timer?.Dispose();
        operation.Timer = null;
        operation.ParkedOn?.Remove(index, operation.Generation);
        operation.ParkedOn = null;
        operation.Target = null;
        var cancelled = result.Error == Errno.ECANCELED && operation.CancelRequested;
        var neverRan = operation.State == OperationState.Queued;
        operation.State = OperationState.Completed;
        StopWaiting(ref operation);

        var flags = operation.Sqe.Flags;
        var next = operation.Next;
        var value = result.Value; // Abi.Err on failure, or what a partial failure still did
        if (!neverRan)
        {
            SaveResult(flags, result.Error, value);
        }

        var breaksChain = BreaksChain(flags, result.Error);
        var loopHead = operation.LoopOf;
        if (loopHead >= 0 && result.Error != Errno.OK && _pool[loopHead].Loop.Error == Errno.OK)
        {
            _pool[loopHead].Loop.Error = result.Error; // the first failure of the iteration ends the loop
        }

        var quiet = result.Error == Errno.OK && SqeFlags.SkipsSuccess(flags);
        if (_observer is not null && !(quiet && loopHead >= 0))
        {
            Observe(index, neverRan, cancelled, result.Error, value); // a loop's quiet runs are too many to trace
        }

        if (quiet)
        {
            _pool.Return(index); // SKIP_SUCCESS: no CQE, no CQ slot, no backlog
        }
        else
        {
            _completions.Post(index, result.Error, value);
        }

        if (next >= 0 && !IsActiveLoop(next))
        {
            _pool[next].Prev = -1;
        }

        if (_drainWaiters.Count > 0)
        {
            _drainCheck = true;
        }

        return breaksChain ? CancelFrom(next) : next;
    }

    /// <summary>
    /// Saves a result into the SQE's save register, if it names one. A failure saves ERR, so a hardlinked successor
    /// that loads it fails cleanly instead of using a stale value; ECANCELED writes nothing (a CQE with ECANCELED
    /// never wrote a register). The caller passes only operations that ran.
    /// </summary>
    private void SaveResult(uint flags, Errno error, ulong value)
    {
        var save = SqeFlags.SaveOf(flags);
        if (save != SqeFlags.RegNone && error != Errno.ECANCELED)
        {
            _registers[save] = value;
        }
    }

    /// <summary>Whether a completion with <paramref name="error"/> cancels the rest of its chain (not under HARDLINK).</summary>
    private static bool BreaksChain(uint flags, Errno error) => error != Errno.OK && (flags & SqeFlags.HardLink) == 0;

    /// <summary>
    /// Completes every remaining member of a broken chain with ECANCELED: not run, no register written. A loop's
    /// iteration breaks only up to its LOOP, which is returned to make its check (and end); else -1.
    /// </summary>
    private int CancelFrom(int index)
    {
        while (index >= 0)
        {
            if (IsActiveLoop(index))
            {
                return index;
            }

            ref var operation = ref _pool[index];
            var next = operation.Next;
            operation.State = OperationState.Completed;
            StopWaiting(ref operation);
            if (_observer is not null)
            {
                Observe(index, neverRan: true, cancelled: true, Errno.ECANCELED, Abi.Err);
            }

            _completions.Post(index, Errno.ECANCELED, Abi.Err);
            index = next;
        }

        return -1;
    }

    /// <summary>A completed operation no longer counts among the waiting ones.</summary>
    private void StopWaiting(ref Operation operation)
    {
        if (operation.Waits)
        {
            operation.Waits = false;
            _waiting--;
        }
    }

    /// <summary>Tells the observer how an operation completed (out of line: the hot path without one stays small).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private void Observe(int index, bool neverRan, bool cancelled, Errno error, ulong value)
    {
        ref var operation = ref _pool[index];
        var ran = !neverRan && operation.Outcome == TracedOutcome.Ran;
        var outcome = neverRan || (cancelled && !ran) ? TracedOutcome.Cancelled : operation.Outcome;
        _observer!.OnCompleted(Trace(in operation.Sqe, ran ? operation.Args : AsSubmitted(in operation.Sqe), outcome, error, value));
    }

    private static Arguments AsSubmitted(in Sqe sqe) => new()
    {
        A0 = sqe.Arg0,
        A1 = sqe.Arg1,
        A2 = sqe.Arg2,
        A3 = sqe.Arg3,
        A4 = sqe.Arg4,
    };

    private static TracedOperation Trace(in Sqe sqe, in Arguments args, TracedOutcome outcome, Errno error, ulong result) => new()
    {
        Data = sqe.Data,
        Op = sqe.Op,
        Outcome = outcome,
        Arg0 = args.A0,
        Arg1 = args.A1,
        Arg2 = args.A2,
        Arg3 = args.A3,
        Arg4 = args.A4,
        Error = error,
        Result = result,
    };
}
