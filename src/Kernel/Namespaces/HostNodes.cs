using Microsoft.Win32.SafeHandles;
using VerbRing.Verbs;

namespace VerbRing.Kernel;

/// <summary>A directory of a host namespace, as a dirfd refers to it: its real path and its path inside the namespace.</summary>
internal sealed class HostDirectory(string fullPath, byte[] relative) : DirectoryNode
{
    public string FullPath { get; } = fullPath;

    /// <summary>The normalized path inside the namespace: no leading '/', no "." or "..".</summary>
    public byte[] Relative { get; } = relative;
}

/// <summary>An open host file: positional reads and writes on a real handle, closed when its descriptor closes.</summary>
internal sealed class HostFile(SafeFileHandle handle, long maxSize, Action released) : INode
{
    public bool IsDirectory => false;

    public long Length => RandomAccess.GetLength(handle);

    public Errno Read(long offset, Span<byte> destination, out int read)
    {
        try
        {
            read = RandomAccess.Read(handle, destination, offset);
            return Errno.OK;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            read = 0;
            return Errno.EBADF;
        }
    }

    public Errno Write(long offset, ReadOnlySpan<byte> source, bool append, out int written, out long end)
    {
        var start = append ? RandomAccess.GetLength(handle) : offset;
        end = start;
        written = 0;
        if (start > maxSize || source.Length > maxSize - start)
        {
            return Errno.EFBIG;
        }

        try
        {
            RandomAccess.Write(handle, source, start);
            written = source.Length;
            end = start + source.Length;
            return Errno.OK;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            return Errno.EBADF;
        }
    }

    /// <summary>Makes the written data durable (FSYNC).</summary>
    public void Flush() => RandomAccess.FlushToDisk(handle);

    public void Release()
    {
        handle.Dispose();
        released();
    }
}
