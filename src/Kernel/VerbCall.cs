using VerbRing.Kernel.Interpreter;
using VerbRing.Registers;
using VerbRing.Verbs;

namespace VerbRing.Kernel;

/// <summary>
/// One dispatched SQE as a handler sees it: the op, the cookie, the five arguments after register loads, the ring
/// it runs on, and what it may ask of the interpreter (park, cancel, wake). It lives on the stack for the length of
/// one handler call.
/// </summary>
// The SQE and its loaded arguments are referenced, not copied: a call is made for every SQE, and six fields to fill
// instead of twelve is most of what making one costs. Both outlive the call (the enter's staged copy or the
// operation's slot, neither of which changes while its verb runs).
public readonly ref struct VerbCall
{
    private readonly IVerbServices _services;
    private readonly ref readonly Sqe _sqe;
    private readonly ref readonly Arguments _args;

    internal VerbCall(RingContext ring, IVerbServices services, ref readonly Sqe sqe, ref readonly Arguments args, int index, object? target)
    {
        Ring = ring;
        _services = services;
        _sqe = ref sqe;
        _args = ref args;
        Index = index;
        Target = target;
    }

    /// <summary>The op code.</summary>
    public uint Op => _sqe.Op;

    /// <summary>The SQE's cookie.</summary>
    public ulong Data => _sqe.Data;

    /// <summary>The SQE's relative timeout in nanoseconds (0 or UINT64_MAX: none).</summary>
    public ulong Timeout => _sqe.Timeout;

    /// <summary>arg0 after register loads.</summary>
    public ulong Arg0 => _args.A0;

    /// <summary>arg1 after register loads.</summary>
    public ulong Arg1 => _args.A1;

    /// <summary>arg2 after register loads.</summary>
    public ulong Arg2 => _args.A2;

    /// <summary>arg3 after register loads.</summary>
    public ulong Arg3 => _args.A3;

    /// <summary>arg4 after register loads.</summary>
    public ulong Arg4 => _args.A4;

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
    internal VerbResult Park(WaitQueue? queue, object? target) => Park(queue, target, default);

    /// <summary>
    /// Parks as <see cref="Park(WaitQueue?, object?)"/> does, saying what would let the verb finish
    /// (<paramref name="need"/>), so that a wake passes over it while that is not there.
    /// </summary>
    internal VerbResult Park(WaitQueue? queue, object? target, WaitNeed need) =>
        _services.TryPark(in this, queue, target, need) ? VerbResult.Pending : VerbResult.Fail(Errno.EAGAIN);

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
