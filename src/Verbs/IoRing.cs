using VerbRing.Registers;

namespace VerbRing.Verbs;

/// <summary>
/// User space's handle on one ring: push SQEs, enter, pop CQEs, read and write registers, fill user memory.
/// It owns the region and the port to the kernel and releases both on Dispose (the kernel first). Like
/// PatchworkOS's ring it has a single producer: one thread pushes and pops at a time.
/// </summary>
public sealed class IoRing : IDisposable
{
    private readonly RingRegion _region;
    private readonly IRingPort _port;
    private readonly RingDescriptor _descriptor;
    private int _disposed;

    /// <summary>Joins a region to the port of the kernel that serves it; the ring owns both from now on.</summary>
    internal IoRing(RingRegion region, IRingPort port)
    {
        ArgumentNullException.ThrowIfNull(region);
        ArgumentNullException.ThrowIfNull(port);
        _region = region;
        _port = port;
        _descriptor = region.Descriptor;
        Memory = new UserMemory(region);
    }

    /// <summary>Where everything lies in the region.</summary>
    public RingLayout Layout => _region.Layout;

    /// <summary>The seven shared registers.</summary>
    public RegisterFile Registers => _region.Registers;

    /// <summary>User memory: reserve buffers, fill them, read what the kernel wrote.</summary>
    public UserMemory Memory { get; }

    /// <summary>SQEs pushed and not yet consumed.</summary>
    public uint SqPending => _descriptor.SqPending;

    /// <summary>Free SQ slots.</summary>
    public uint SqSpace => _descriptor.SqEntries - _descriptor.SqPending;

    /// <summary>CQEs waiting to be popped.</summary>
    public uint CqUnread => _descriptor.CqUnread;

    /// <summary>The region (for tools that inspect raw memory).</summary>
    internal RingRegion Region => _region;

    /// <summary>Queues <paramref name="sqe"/>; false when the SQ is full.</summary>
    public bool TryPush(in Sqe sqe) => _descriptor.TryPushSqe(sqe);

    /// <summary>Queues <paramref name="sqe"/>; throws when the SQ is full.</summary>
    public void Push(in Sqe sqe)
    {
        if (!_descriptor.TryPushSqe(sqe))
        {
            ThrowHelper.ThrowSqFull(_descriptor.SqEntries);
        }
    }

    /// <summary>Takes the oldest CQE; false when none is unread.</summary>
    public bool TryPop(out Cqe cqe) => _descriptor.TryPopCqe(out cqe);

    /// <summary>Consumes up to <paramref name="amount"/> SQEs and waits for <paramref name="wait"/> unread CQEs.</summary>
    public EnterResult Enter(uint amount, uint wait = 0)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        return _port.Enter(amount, wait);
    }

    /// <summary>
    /// Consumes up to <paramref name="amount"/> SQEs and waits for <paramref name="wait"/> unread CQEs, at most
    /// <paramref name="timeout"/> (ETIMEDOUT past it, the consumed count kept; like <c>io_uring_wait_cqe_timeout</c>).
    /// </summary>
    public EnterResult Enter(uint amount, uint wait, TimeSpan timeout)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        return _port.Enter(amount, wait, timeout);
    }

    /// <summary>Submits everything queued and waits for that many completions.</summary>
    public EnterResult SubmitAndWait()
    {
        var pending = SqPending;
        return Enter(pending, pending);
    }

    /// <summary>
    /// Tears the ring down in the kernel, then releases the memory. Idempotent. Called from inside the ring's own
    /// kernel (a custom verb, an observer, a chain a timer resumed), it closes the ring at once and the teardown
    /// follows as soon as that kernel lets go; the enter it interrupted returns ECANCELED (spec/semantics.md).
    /// </summary>
    public void Dispose()
    {
        // Interlocked: Dispose runs its teardown once even when called twice.
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        // The region is freed once the kernel's teardown is done: at once, or — when this runs inside the ring's own
        // kernel (a verb or an observer disposing its ring) — as that kernel lets go, before its enter returns.
        _port.Close(_region.Dispose);
    }
}
