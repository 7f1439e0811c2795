using VerbRing.Verbs;

namespace VerbRing.Kernel.Namespaces;

/// <summary>
/// A directory of a host namespace, as a dirfd refers to it: its path inside the namespace, which relative paths
/// (and their "..") resolve against lexically — then beneath the folder's one descriptor, like every other path, so
/// that a link is followed by one rule however the path was reached (see spec/namespaces.md).
/// </summary>
internal sealed class HostDirectory(byte[] relative) : DirectoryNode
{
    /// <summary>The normalized path inside the namespace: no leading '/', no "." or "..". Empty for the root.</summary>
    public byte[] Relative { get; } = relative;
}

/// <summary>
/// An open host file: a raw descriptor read and written positionally (pread/pwrite), closed when its descriptor
/// closes. Instances are pooled by their namespace, so OPEN allocates nothing once warm; a node is reused only after
/// its one descriptor closed. A write that fails part-way reports the bytes it wrote with the error.
/// </summary>
internal sealed unsafe class HostFile(HostNamespace owner) : INode, IFlushable, IMetered
{
    private int _fd = -1;
    private long _maxSize;
    private HostBytesBudget? _budget;

    public bool IsDirectory => false;

    public long Length => HostCalls.TryStat(_fd, out _, out var size) ? size : 0;

    /// <summary>Takes <paramref name="fd"/> (an open regular file) for one descriptor's life.</summary>
    public void Attach(int fd, long maxSize)
    {
        _fd = fd;
        _maxSize = maxSize;
        _budget = null;
    }

    public void ChargeTo(HostBytesBudget budget) => _budget = budget;

    public Errno Read(long offset, Span<byte> destination, out int read)
    {
        read = 0;
        fixed (byte* buffer = destination)
        {
            while (true)
            {
                // SAFETY: pread writes at most destination.Length bytes into the pinned span.
                var count = HostCalls.PRead(_fd, buffer, (nuint)destination.Length, offset);
                if (count >= 0)
                {
                    read = (int)count;
                    return Errno.OK;
                }

                if (HostCalls.LastError != HostCalls.EINTR)
                {
                    return HostErrno.From(HostCalls.LastError);
                }
            }
        }
    }

    public Errno Write(long offset, ReadOnlySpan<byte> source, bool append, out int written, out long end)
    {
        written = 0;
        end = offset;
        var length = 0L;
        if ((append || _budget is not null) && !HostCalls.TryStat(_fd, out _, out length))
        {
            return HostErrno.From(HostCalls.LastError);
        }

        var start = append ? length : offset;
        end = start;
        if (start > _maxSize || source.Length > _maxSize - start)
        {
            return Errno.EFBIG; // the namespace's own size limit: refused whole, nothing written
        }

        // The budget pays for growth only (bytes past the current end, holes included); what it cannot pay is cut.
        var allowed = source.Length;
        var reserved = 0L;
        if (_budget is not null)
        {
            var growth = Math.Max(0, start + source.Length - length);
            reserved = _budget.Reserve(growth);
            if (reserved < growth)
            {
                allowed = (int)Math.Clamp(length + reserved - start, 0, source.Length);
            }
        }

        var error = Errno.OK;
        fixed (byte* buffer = source)
        {
            while (written < allowed)
            {
                // SAFETY: pwrite reads at most allowed − written bytes from the pinned span, past what it already wrote.
                var count = HostCalls.PWrite(_fd, buffer + written, (nuint)(allowed - written), start + written);
                if (count > 0)
                {
                    written += (int)count;
                }
                else if (count < 0 && HostCalls.LastError == HostCalls.EINTR)
                {
                    continue;
                }
                else
                {
                    error = count < 0 ? HostErrno.From(HostCalls.LastError) : Errno.EIO; // pwrite wrote nothing and said no error
                    break;
                }
            }
        }

        end = start + written;
        if (_budget is not null)
        {
            _budget.Return(reserved - Math.Min(reserved, Math.Max(0, end - length)));
        }

        return error == Errno.OK && written < source.Length ? Errno.ENOSPC : error; // cut by the budget: as a full disk
    }

    public Errno Flush()
    {
        while (HostCalls.Fsync(_fd) != 0)
        {
            if (HostCalls.LastError != HostCalls.EINTR)
            {
                return HostErrno.From(HostCalls.LastError);
            }
        }

        return Errno.OK;
    }

    public void Release()
    {
        HostCalls.Close(_fd);
        _fd = -1;
        _budget = null;
        owner.Return(this);
    }
}
