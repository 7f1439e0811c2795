using VerbRing.Registers;
using VerbRing.Verbs;

namespace VerbRing.Kernel;

/// <summary>
/// Runs chains of operations: loads registers at dispatch, calls the verb's handler, saves the result before the
/// CQE is published, and follows LINK and HARDLINK. Iterative, not recursive, so a chain as long as the SQ runs
/// in constant stack. Every outcome — bad flags, unknown op, a verb's errno — becomes exactly one CQE.
/// </summary>
internal sealed class ChainRunner
{
    private readonly OperationPool _pool;
    private readonly CompletionWriter _completions;
    private readonly VerbTable _verbs;
    private readonly RingContext _context;
    private readonly RegisterFile _registers;
    private readonly IRingObserver? _observer;

    public ChainRunner(
        OperationPool pool, CompletionWriter completions, VerbTable verbs, RingContext context, RegisterFile registers,
        IRingObserver? observer)
    {
        _pool = pool;
        _completions = completions;
        _verbs = verbs;
        _context = context;
        _registers = registers;
        _observer = observer;
    }

    /// <summary>Runs the chain that starts at operation <paramref name="index"/> to its end.</summary>
    public void Run(int index)
    {
        while (index >= 0)
        {
            Arguments args;
            var result = Dispatch(ref _pool[index], out args, out var outcome);
            index = Complete(index, result, in args, outcome);
        }
    }

    private VerbResult Dispatch(ref Operation operation, out Arguments args, out TracedOutcome outcome)
    {
        var flags = operation.Sqe.Flags;
        args = AsSubmitted(in operation.Sqe);
        outcome = TracedOutcome.Refused;
        if ((flags & SqeFlags.ReservedMask) != 0)
        {
            return VerbResult.Fail(Errno.EINVAL);
        }

        var handler = _verbs.Find(operation.Sqe.Op);
        if (handler is null)
        {
            return VerbResult.Fail(Errno.EINVAL);
        }

        // Registers are loaded now, at dispatch: after a linked predecessor saved its result, never at submission.
        args.A0 = Load(flags, 0, operation.Sqe.Arg0);
        args.A1 = Load(flags, 1, operation.Sqe.Arg1);
        args.A2 = Load(flags, 2, operation.Sqe.Arg2);
        args.A3 = Load(flags, 3, operation.Sqe.Arg3);
        args.A4 = Load(flags, 4, operation.Sqe.Arg4);
        outcome = TracedOutcome.Ran;
        var call = new VerbCall(_context, in args, operation.Sqe.Op, operation.Sqe.Data, operation.Sqe.Timeout);
        return handler.Execute(in call);
    }

    private static Arguments AsSubmitted(in Sqe sqe) => new()
    {
        A0 = sqe.Arg0,
        A1 = sqe.Arg1,
        A2 = sqe.Arg2,
        A3 = sqe.Arg3,
        A4 = sqe.Arg4,
    };

    private ulong Load(uint flags, int arg, ulong immediate)
    {
        var specifier = SqeFlags.LoadOf(flags, arg);
        return specifier == SqeFlags.RegNone ? immediate : _registers[specifier];
    }

    /// <summary>Saves, publishes, and returns the successor to run next (or -1).</summary>
    private int Complete(int index, VerbResult result, in Arguments args, TracedOutcome outcome)
    {
        ref var operation = ref _pool[index];
        var flags = operation.Sqe.Flags;
        var next = operation.Next;
        var save = SqeFlags.SaveOf(flags);
        if (save != SqeFlags.RegNone)
        {
            // A failure saves ERR, so a hardlinked successor that loads it fails cleanly instead of using a stale value.
            _registers[save] = result.Error == Errno.OK ? result.Value : Abi.Err;
        }

        var breaksChain = result.Error != Errno.OK && (flags & SqeFlags.HardLink) == 0;
        var value = result.Error == Errno.OK ? result.Value : Abi.Err;
        _observer?.OnCompleted(Trace(in operation.Sqe, in args, outcome, result.Error, value));
        _completions.Post(index, result.Error, value);
        if (breaksChain)
        {
            CancelFrom(next);
            return -1;
        }

        return next;
    }

    /// <summary>Completes every remaining member of a broken chain with ECANCELED: not run, no register written.</summary>
    private void CancelFrom(int index)
    {
        while (index >= 0)
        {
            ref var operation = ref _pool[index];
            var next = operation.Next;
            _observer?.OnCompleted(Trace(in operation.Sqe, AsSubmitted(in operation.Sqe), TracedOutcome.Cancelled, Errno.ECANCELED, Abi.Err));
            _completions.Post(index, Errno.ECANCELED, Abi.Err);
            index = next;
        }
    }

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
