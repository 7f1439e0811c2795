using System.Runtime.CompilerServices;
using VerbRing.Registers;

namespace VerbRing.Verbs;

/// <summary>
/// User space's handle on one ring: push SQEs, enter, pop CQEs, read and write registers, fill user memory.
/// It owns the region and the port to the kernel and releases both on Dispose (the kernel first). Like
/// PatchworkOS's ring it has a single producer: one thread pushes and pops at a time.
/// </summary>
/// <remarks>
/// From Dispose on, every member that would touch the region — <see cref="TryPush"/>, <see cref="Push"/>,
/// <see cref="TryPop"/>, <see cref="Enter(uint, uint)"/>, <see cref="SqPending"/>, <see cref="SqSpace"/>,
/// <see cref="CqUnread"/>, and the <see cref="Registers"/> and <see cref="Memory"/> views, even if taken before —
/// throws <see cref="ObjectDisposedException"/>. A <see cref="Span{T}"/> over user memory taken before the Dispose
/// cannot be revoked: it must not be used after it. Dispose on one thread while another still uses the ring is a
/// race the check does not close; only Enter is safe against it (spec/semantics.md, "Teardown").
/// </remarks>
public sealed class IoRing : IDisposable
{
    private readonly RingRegion _region;
    private readonly IRingPort _port;
    private readonly RingDescriptor _descriptor;
    private readonly RegionGuard _guard = new();
    private int _disposed;

    /// <summary>Joins a region to the port of the kernel that serves it; the ring owns both from now on.</summary>
    internal IoRing(RingRegion region, IRingPort port)
    {
        ArgumentNullException.ThrowIfNull(region);
        ArgumentNullException.ThrowIfNull(port);
        _region = region;
        _port = port;
        _descriptor = region.Descriptor;
        Registers = new RegisterFile(region.Registers, _guard);
        Memory = new UserMemory(region, _guard);
    }

    /// <summary>Where everything lies in the region (a copy of the shape: readable after Dispose too).</summary>
    public RingLayout Layout => _region.Layout;

    /// <summary>The seven shared registers (refused once the ring is disposed).</summary>
    public RegisterFile Registers { get; }

    /// <summary>User memory: reserve buffers, fill them, read what the kernel wrote (refused once the ring is disposed).</summary>
    public UserMemory Memory { get; }

    /// <summary>SQEs pushed and not yet consumed.</summary>
    /// <exception cref="ObjectDisposedException">The ring was disposed.</exception>
    public uint SqPending
    {
        get
        {
            ThrowIfDisposed();
            return _descriptor.SqPending;
        }
    }

    /// <summary>Free SQ slots.</summary>
    /// <exception cref="ObjectDisposedException">The ring was disposed.</exception>
    public uint SqSpace
    {
        get
        {
            ThrowIfDisposed();
            return _descriptor.SqEntries - _descriptor.SqPending;
        }
    }

    /// <summary>CQEs waiting to be popped.</summary>
    /// <exception cref="ObjectDisposedException">The ring was disposed.</exception>
    public uint CqUnread
    {
        get
        {
            ThrowIfDisposed();
            return _descriptor.CqUnread;
        }
    }

    /// <summary>The region (for tools that inspect raw memory; unchecked: the caller keeps to the ring's lifetime).</summary>
    internal RingRegion Region => _region;

    /// <summary>Queues <paramref name="sqe"/>; false when the SQ is full.</summary>
    /// <exception cref="ObjectDisposedException">The ring was disposed.</exception>
    public bool TryPush(in Sqe sqe)
    {
        ThrowIfDisposed();
        return _descriptor.TryPushSqe(sqe);
    }

    /// <summary>Queues <paramref name="sqe"/>; throws when the SQ is full.</summary>
    /// <exception cref="ObjectDisposedException">The ring was disposed.</exception>
    public void Push(in Sqe sqe)
    {
        ThrowIfDisposed();
        if (!_descriptor.TryPushSqe(sqe))
        {
            ThrowHelper.ThrowSqFull(_descriptor.SqEntries);
        }
    }

    /// <summary>Takes the oldest CQE; false when none is unread.</summary>
    /// <exception cref="ObjectDisposedException">The ring was disposed.</exception>
    public bool TryPop(out Cqe cqe)
    {
        ThrowIfDisposed();
        return _descriptor.TryPopCqe(out cqe);
    }

    /// <summary>Consumes up to <paramref name="amount"/> SQEs and waits for <paramref name="wait"/> unread CQEs.</summary>
    /// <exception cref="ObjectDisposedException">The ring was disposed.</exception>
    public EnterResult Enter(uint amount, uint wait = 0)
    {
        ThrowIfDisposed();
        return _port.Enter(amount, wait);
    }

    /// <summary>
    /// Consumes up to <paramref name="amount"/> SQEs and waits for <paramref name="wait"/> unread CQEs, at most
    /// <paramref name="timeout"/> (ETIMEDOUT past it, the consumed count kept; like <c>io_uring_wait_cqe_timeout</c>).
    /// </summary>
    /// <exception cref="ObjectDisposedException">The ring was disposed.</exception>
    public EnterResult Enter(uint amount, uint wait, TimeSpan timeout)
    {
        ThrowIfDisposed();
        return _port.Enter(amount, wait, timeout);
    }

    /// <summary>Submits everything queued and waits for that many completions.</summary>
    /// <exception cref="ObjectDisposedException">The ring was disposed.</exception>
    public EnterResult SubmitAndWait()
    {
        var pending = SqPending;
        return Enter(pending, pending);
    }

    /// <summary>
    /// Tears the ring down in the kernel, then releases the memory. Idempotent. From its first moment every member
    /// of the ring and of its views refuses (<see cref="ObjectDisposedException"/>). Called from inside the ring's
    /// own kernel (a custom verb, an observer, a chain a timer resumed), it closes the ring at once and the teardown
    /// follows as soon as that kernel lets go; the enter it interrupted returns ECANCELED (spec/semantics.md).
    /// </summary>
    public void Dispose()
    {
        // Interlocked: Dispose runs its teardown once even when called twice.
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        // The views refuse before anything is freed; the kernel keeps its own unchecked view until its teardown.
        _guard.Close();

        // The region is freed once the kernel's teardown is done: at once, or — when this runs inside the ring's own
        // kernel (a verb or an observer disposing its ring) — as that kernel lets go, before its enter returns.
        _port.Close(_region.Dispose);
    }

    // One predictable branch on a field, inlined into each member; the throw is out of line in the runtime's helper.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void ThrowIfDisposed() =>

        // Volatile.Read: not hoisted out of a caller's loop, so a Dispose on another thread is seen by the next call.
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
}
