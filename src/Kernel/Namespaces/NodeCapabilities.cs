using VerbRing.Kernel.Interpreter;
using VerbRing.Verbs;

namespace VerbRing.Kernel.Namespaces;

/// <summary>
/// Node capabilities (this file): what a node can do beyond <see cref="INode"/>, as interfaces it implements, so
/// that handlers ask a node for a capability, never for its concrete type. This one: a stream (a pipe end), read and
/// written in order, never at an offset (ESPIPE), with nothing to make durable (FSYNC: EINVAL), on which a verb may
/// wait until the other side moves.
/// </summary>
internal interface IStreamNode : INode
{
    /// <summary>Whether its descriptor closed (a verb that waited on it then completes with EBADF).</summary>
    bool IsClosed { get; }

    /// <summary>Where verbs wait for it to change (data in, data out, an end closed); every change wakes them all.</summary>
    WaitQueue Waiters { get; }

    /// <summary>What a READ that parks on it waits for (its wait queue passes over it until then).</summary>
    WaitNeed ReadNeed { get; }

    /// <summary>What a WRITE of <paramref name="count"/> bytes that parks on it waits for.</summary>
    WaitNeed WriteNeed(int count);

    /// <summary>What a POLL for <paramref name="events"/> that parks on it waits for.</summary>
    WaitNeed PollNeed(PollEvents events);

    /// <summary>The poll events it is ready for now.</summary>
    PollEvents Ready { get; }

    /// <summary>
    /// Reads what is there, up to <c>destination.Length</c> bytes (0: the other end is gone, or nothing was asked
    /// for); false, nothing read, when a reader must wait for data.
    /// </summary>
    bool TryRead(Span<byte> destination, out int read);

    /// <summary>
    /// Writes <paramref name="source"/> (EPIPE when no reader is left); false, nothing written, when a writer must
    /// wait for room.
    /// </summary>
    bool TryWrite(ReadOnlySpan<byte> source, out Errno error, out int written);
}

/// <summary>A node that can make what was written through it durable (FSYNC).</summary>
internal interface IFlushable
{
    /// <summary>Flushes to stable storage; the host's errno on failure.</summary>
    Errno Flush();
}

/// <summary>A node whose growth counts against a ring's host-bytes budget (<see cref="RingPolicy.HostBytes"/>).</summary>
internal interface IMetered
{
    /// <summary>Charges every byte this open file adds to <paramref name="budget"/>.</summary>
    void ChargeTo(HostBytesBudget budget);
}
