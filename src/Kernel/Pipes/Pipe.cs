using VerbRing.Kernel.Interpreter;
using VerbRing.Kernel.Namespaces;
using VerbRing.Verbs;

namespace VerbRing.Kernel.Pipes;

/// <summary>
/// A pipe of one ring: a bounded byte buffer (<see cref="RingOptions.PipeCapacity"/>, 4096 by default) between a
/// read end and a write end, each held by one descriptor. Every change — data in, data out, an end closed — wakes
/// the operations parked on it, which retry; it tells its wait queue which of them can finish now
/// (<see cref="Satisfies"/>). Guarded by the ring's lock.
/// </summary>
internal sealed class Pipe : IWaitSource
{
    private readonly byte[] _buffer;
    private readonly RingContext _ring;
    private int _head;
    private int _count;

    /// <summary>A pipe of <paramref name="ring"/>, whose changes wake parked operations through <paramref name="waker"/>.</summary>
    public Pipe(RingContext ring, int capacity, IWaker waker)
    {
        _ring = ring;
        _buffer = new byte[capacity];
        Waiters = new WaitQueue(waker, this);
        ReadEnd = new PipeEnd(this, isReadEnd: true);
        WriteEnd = new PipeEnd(this, isReadEnd: false);
        ring.LivePipes++;
    }

    public PipeEnd ReadEnd { get; }

    public PipeEnd WriteEnd { get; }

    public WaitQueue Waiters { get; }

    public int Capacity => _buffer.Length;

    public int Buffered => _count;

    public int Free => _buffer.Length - _count;

    public bool HasWriter => !WriteEnd.IsClosed;

    public bool HasReader => !ReadEnd.IsClosed;

    /// <summary>Copies up to <c>destination.Length</c> buffered bytes out.</summary>
    public int Read(Span<byte> destination)
    {
        var n = Math.Min(destination.Length, _count);
        var first = Math.Min(n, _buffer.Length - _head);
        _buffer.AsSpan(_head, first).CopyTo(destination);
        _buffer.AsSpan(0, n - first).CopyTo(destination[first..]);
        _head = (_head + n) % _buffer.Length;
        _count -= n;
        if (n > 0)
        {
            Waiters.WakeAll();
        }

        return n;
    }

    /// <summary>Copies as much of <paramref name="source"/> in as fits.</summary>
    public int Write(ReadOnlySpan<byte> source)
    {
        var n = Math.Min(source.Length, Free);
        var tail = (_head + _count) % _buffer.Length;
        var first = Math.Min(n, _buffer.Length - tail);
        source[..first].CopyTo(_buffer.AsSpan(tail));
        source[first..n].CopyTo(_buffer);
        _count += n;
        if (n > 0)
        {
            Waiters.WakeAll();
        }

        return n;
    }

    /// <summary>Which poll events an end is ready for now.</summary>
    public PollEvents Ready(PipeEnd end)
    {
        if (end.IsReadEnd)
        {
            return (_count > 0 ? PollEvents.Read : 0) | (HasWriter ? 0 : PollEvents.Hup);
        }

        return !HasReader ? PollEvents.Error : Free > 0 ? PollEvents.Write : 0;
    }

    /// <summary>
    /// Whether a parked verb that waits for <paramref name="need"/> may finish now: with either end closed every one
    /// does (end of file, EPIPE, HUP or ERROR, or EBADF for one whose own end closed).
    /// </summary>
    public bool Satisfies(WaitNeed need) => need.Kind switch
    {
        _ when !HasReader || !HasWriter => true,
        WaitKind.Data => _count >= need.Amount,
        WaitKind.Room => Free >= need.Amount,
        WaitKind.Close => false,
        _ => true,
    };

    /// <summary>An end's descriptor closed: readers see end of file, writers EPIPE, pollers HUP or ERROR.</summary>
    public void Closed()
    {
        Waiters.WakeAll();
        if (!HasReader && !HasWriter)
        {
            _ring.LivePipes--;
        }
    }
}

/// <summary>One end of a pipe, as a descriptor refers to it: a stream, never read or written at an offset.</summary>
internal sealed class PipeEnd(Pipe pipe, bool isReadEnd) : IStreamNode
{
    public Pipe Pipe { get; } = pipe;

    public bool IsReadEnd { get; } = isReadEnd;

    public bool IsClosed { get; private set; }

    public WaitQueue Waiters => Pipe.Waiters;

    public PollEvents Ready => Pipe.Ready(this);

    /// <summary>What a READ that parked on this end waits for: one byte (or a close).</summary>
    public WaitNeed ReadNeed => new(WaitKind.Data, 1);

    /// <summary>What a WRITE of <paramref name="count"/> bytes that parked waits for: room for all of it, or for one byte when it cannot fit.</summary>
    public WaitNeed WriteNeed(int count) => new(WaitKind.Room, count <= Pipe.Capacity ? count : 1);

    /// <summary>What a POLL for <paramref name="events"/> that parked on this end waits for.</summary>
    public WaitNeed PollNeed(PollEvents events) => IsReadEnd
        ? (events & PollEvents.Read) != 0 ? ReadNeed : new(WaitKind.Close, 0)
        : (events & PollEvents.Write) != 0 ? new(WaitKind.Room, 1) : new(WaitKind.Close, 0);

    /// <summary>What is buffered; waits while the pipe is empty and a write end is open (nothing asked for: 0 at once).</summary>
    public bool TryRead(Span<byte> destination, out int read)
    {
        read = 0;
        if (!destination.IsEmpty && Pipe.Buffered == 0 && Pipe.HasWriter)
        {
            return false;
        }

        read = Pipe.Read(destination);
        return true;
    }

    /// <summary>
    /// EPIPE when no read end is left; a count that fits the pipe is written whole, waiting until there is room for
    /// all of it; a larger one writes what fits (at least one byte).
    /// </summary>
    public bool TryWrite(ReadOnlySpan<byte> source, out Errno error, out int written)
    {
        written = 0;
        error = Pipe.HasReader ? Errno.OK : Errno.EPIPE;
        var fits = source.Length <= Pipe.Capacity ? Pipe.Free >= source.Length : Pipe.Free > 0;
        if (error != Errno.OK || source.IsEmpty || fits)
        {
            written = error == Errno.OK ? Pipe.Write(source) : 0;
            return true;
        }

        return false;
    }

    public bool IsDirectory => false;

    public long Length => 0;

    public Errno Read(long offset, Span<byte> destination, out int read)
    {
        read = 0;
        return Errno.ESPIPE;
    }

    public Errno Write(long offset, ReadOnlySpan<byte> source, bool append, out int written, out long end)
    {
        written = 0;
        end = 0;
        return Errno.ESPIPE;
    }

    public void Release()
    {
        IsClosed = true;
        Pipe.Closed();
    }
}
