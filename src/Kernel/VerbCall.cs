using VerbRing.Kernel.Interpreter;
using VerbRing.Verbs;

namespace VerbRing.Kernel;

/// <summary>
/// One dispatched SQE as a handler sees it: the op, the cookie, the five arguments after register loads, the ring
/// it runs on, and what it may ask of the interpreter (park, cancel, wake). It lives on the stack for the length of
/// one handler call.
/// </summary>
public readonly ref struct VerbCall
{
    private readonly IVerbServices _services;

    internal VerbCall(RingContext ring, IVerbServices services, ref readonly Arguments args, uint op, ulong data, ulong timeout, int index, object? target)
    {
        Ring = ring;
        _services = services;
        Index = index;
        Target = target;
        Arg0 = args.A0;
        Arg1 = args.A1;
        Arg2 = args.A2;
        Arg3 = args.A3;
        Arg4 = args.A4;
        Op = op;
        Data = data;
        Timeout = timeout;
    }

    /// <summary>The op code.</summary>
    public uint Op { get; }

    /// <summary>The SQE's cookie.</summary>
    public ulong Data { get; }

    /// <summary>The SQE's relative timeout in nanoseconds (0 or UINT64_MAX: none).</summary>
    public ulong Timeout { get; }

    /// <summary>arg0 after register loads.</summary>
    public ulong Arg0 { get; }

    /// <summary>arg1 after register loads.</summary>
    public ulong Arg1 { get; }

    /// <summary>arg2 after register loads.</summary>
    public ulong Arg2 { get; }

    /// <summary>arg3 after register loads.</summary>
    public ulong Arg3 { get; }

    /// <summary>arg4 after register loads.</summary>
    public ulong Arg4 { get; }

    internal RingContext Ring { get; }

    /// <summary>The operation's slot (for parking); <see cref="ChainRunner.NoSlot"/> when it holds none yet (the fast half).</summary>
    internal int Index { get; }

    /// <summary>On a retry, what the verb resolved when it first parked (a pipe end); null on first dispatch.</summary>
    internal object? Target { get; }

    /// <summary>Cancels other operations of the ring (CANCEL).</summary>
    internal ICancelling Cancelling => _services;

    /// <summary>Wakes parked operations: what a verb gives the wait queue of an event source it creates (PIPE).</summary>
    internal IWaker Waker => _services;

    /// <summary>
    /// Parks the operation on <paramref name="queue"/> (null: only a timeout or a cancel ends it) — or, when the
    /// ring already has as many waiting operations as it may, parks nothing and answers EAGAIN.
    /// </summary>
    internal VerbResult Park(WaitQueue? queue, object? target) =>
        _services.TryPark(in this, queue, target) ? VerbResult.Pending : VerbResult.Fail(Errno.EAGAIN);

    /// <summary>
    /// The user memory at <c>[address, address + count)</c>, or EFAULT when any byte of it lies outside the ring's
    /// user memory (overflow of the addition included), or EINVAL when count is too large to be a span.
    /// </summary>
    public Errno TryGetUserMemory(ulong address, ulong count, out Span<byte> bytes) =>
        Ring.Memory.TryGet(address, count, out bytes);
}

/// <summary>The five arguments of an SQE after register loads.</summary>
internal struct Arguments
{
    public ulong A0;
    public ulong A1;
    public ulong A2;
    public ulong A3;
    public ulong A4;
}
