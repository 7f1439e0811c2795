using VerbRing.Verbs;

namespace VerbRing.Kernel.Namespaces;

/// <summary>
/// A file held in managed memory. Bytes past <see cref="Length"/> are always zero, so a sparse write that
/// extends the file reads back zeros in the gap. Its own lock orders concurrent readers and writers of many rings.
/// </summary>
internal sealed class MemoryFile : INode
{
    private readonly Lock _lock = new();
    private readonly long _maxSize;
    private byte[] _data = [];
    private long _length;

    public MemoryFile(MemoryDirectory parent, string name, long maxSize)
    {
        Parent = parent;
        Name = name;
        _maxSize = maxSize;
    }

    public MemoryDirectory Parent { get; }

    public string Name { get; }

    public bool IsDirectory => false;

    public long Length
    {
        get
        {
            lock (_lock)
            {
                return _length;
            }
        }
    }

    public Errno Read(long offset, Span<byte> destination, out int read)
    {
        lock (_lock)
        {
            read = offset >= _length ? 0 : (int)Math.Min(destination.Length, _length - offset);
            if (read > 0)
            {
                _data.AsSpan((int)offset, read).CopyTo(destination);
            }

            return Errno.OK;
        }
    }

    public Errno Write(long offset, ReadOnlySpan<byte> source, bool append, out int written, out long end)
    {
        lock (_lock)
        {
            var start = append ? _length : offset;
            end = start + source.Length;
            written = 0;
            if (start > _maxSize || source.Length > _maxSize - start)
            {
                end = start;
                return Errno.EFBIG;
            }

            if (source.IsEmpty)
            {
                return Errno.OK; // an empty write never extends the file
            }

            EnsureCapacity(end);
            source.CopyTo(_data.AsSpan((int)start));
            _length = Math.Max(_length, end);
            written = source.Length;
            return Errno.OK;
        }
    }

    public void Release()
    {
    }

    /// <summary>Cuts the file to zero length, zeroing what it held.</summary>
    public void Truncate()
    {
        lock (_lock)
        {
            _data.AsSpan(0, (int)_length).Clear();
            _length = 0;
        }
    }

    /// <summary>A copy of the contents.</summary>
    public byte[] ToArray()
    {
        lock (_lock)
        {
            return _data.AsSpan(0, (int)_length).ToArray();
        }
    }

    /// <summary>Whether every byte past the length is zero and the length fits the storage.</summary>
    public bool IsConsistent()
    {
        lock (_lock)
        {
            return _length >= 0 && _length <= _data.Length && _length <= _maxSize
                && !_data.AsSpan((int)_length).ContainsAnyExcept((byte)0);
        }
    }

    private void EnsureCapacity(long size)
    {
        if (size <= _data.Length)
        {
            return;
        }

        // Grow by doubling (from 4 KiB) up to the size limit; the new array is zeroed, keeping the tail invariant.
        var capacity = Math.Max(4096L, _data.LongLength);
        while (capacity < size)
        {
            capacity *= 2;
        }

        Array.Resize(ref _data, (int)Math.Min(capacity, Math.Max(size, _maxSize)));
    }
}
