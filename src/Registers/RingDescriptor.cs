using System.Runtime.CompilerServices;

namespace VerbRing.Registers;

/// <summary>
/// One side's private description of a ring (PatchworkOS <c>ioring_t</c>): where the control area and queues lie
/// and their masks, taken from the layout that side created, never from shared memory. User space pushes SQEs and
/// pops CQEs through it exactly as PatchworkOS's inline <c>sqe_push</c> and <c>cqe_pop</c> do.
/// </summary>
internal readonly unsafe struct RingDescriptor
{
    private readonly byte* _base;

    /// <summary>Describes the ring whose region starts at <paramref name="regionBase"/>.</summary>
    public RingDescriptor(byte* regionBase, RingLayout layout)
    {
        ArgumentNullException.ThrowIfNull(layout);
        _base = regionBase;
        SqEntries = layout.SqEntries;
        CqEntries = layout.CqEntries;
        SqQueue = (Sqe*)(regionBase + RingLayout.SqOffset);
        CqQueue = (Cqe*)(regionBase + layout.CqOffset);
    }

    /// <summary>SQ entries.</summary>
    public uint SqEntries { get; }

    /// <summary>CQ entries.</summary>
    public uint CqEntries { get; }

    /// <summary>SQ index mask.</summary>
    public uint SqMask => SqEntries - 1;

    /// <summary>CQ index mask.</summary>
    public uint CqMask => CqEntries - 1;

    /// <summary>The first SQ slot.</summary>
    public Sqe* SqQueue { get; }

    /// <summary>The first CQ slot.</summary>
    public Cqe* CqQueue { get; }

    /// <summary>The SQ head cursor (kernel writes).</summary>
    public ref uint SHead => ref Unsafe.AsRef<uint>(_base + RingControl.SHeadOffset);

    /// <summary>The CQ tail cursor (kernel writes).</summary>
    public ref uint CTail => ref Unsafe.AsRef<uint>(_base + RingControl.CTailOffset);

    /// <summary>The SQ tail cursor (user writes).</summary>
    public ref uint STail => ref Unsafe.AsRef<uint>(_base + RingControl.STailOffset);

    /// <summary>The CQ head cursor (user writes).</summary>
    public ref uint CHead => ref Unsafe.AsRef<uint>(_base + RingControl.CHeadOffset);

    /// <summary>SQEs pushed and not yet consumed, as user space sees them.</summary>
    public uint SqPending => Volatile.Read(ref STail) - Volatile.Read(ref SHead);

    /// <summary>CQEs published and not yet popped (<c>ctail − chead</c>).</summary>
    public uint CqUnread => Volatile.Read(ref CTail) - Volatile.Read(ref CHead);

    /// <summary>User side: copies <paramref name="sqe"/> into the SQ; false when it is full.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryPushSqe(in Sqe sqe)
    {
        // Plain read: only this side writes stail.
        var tail = STail;

        // Volatile.Read: acquire, so the slot the kernel freed by advancing shead is really free.
        var head = Volatile.Read(ref SHead);
        if (tail - head >= SqEntries)
        {
            return false;
        }

        SqQueue[tail & SqMask] = sqe;

        // Volatile.Write: release, publishing the slot's bytes before the new tail.
        Volatile.Write(ref STail, tail + 1);
        return true;
    }

    /// <summary>User side: copies the oldest CQE out and frees its slot; false when the CQ is empty.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryPopCqe(out Cqe cqe)
    {
        // Plain read: only this side writes chead.
        var head = CHead;

        // Volatile.Read: acquire, so the CQE bytes published before ctail are visible.
        var tail = Volatile.Read(ref CTail);
        if (head == tail)
        {
            cqe = default;
            return false;
        }

        cqe = CqQueue[head & CqMask];

        // Volatile.Write: release, the slot's bytes are read before the kernel may overwrite them.
        Volatile.Write(ref CHead, head + 1);
        return true;
    }
}
