using VerbRing.Kernel.Interpreter;
using VerbRing.Kernel.Namespaces;
using VerbRing.Verbs;

namespace VerbRing.Kernel.Pipes;

/// <summary>
/// A pipe of one ring: a bounded byte buffer (<see cref="RingOptions.PipeCapacity"/>, 4096 by default) between a
/// read end and a write end, each held by one descriptor. Every change — data in, data out, an end closed — wakes
/// the operations parked on it, which retry. Guarded by the ring's lock.
/// </summary>
internal sealed class Pipe
{
    private readonly byte[] _buffer;
    private readonly RingContext _ring;
    private int _head;
    private int _count;

    public Pipe(RingContext ring, int capacity, ChainRunner runner)
    {
        _ring = ring;
        _buffer = new byte[capacity];
        Waiters = new WaitQueue(runner);
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

/// <summary>One end of a pipe, as a descriptor refers to it.</summary>
internal sealed class PipeEnd(Pipe pipe, bool isReadEnd) : INode
{
    public Pipe Pipe { get; } = pipe;

    public bool IsReadEnd { get; } = isReadEnd;

    public bool IsClosed { get; private set; }

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
