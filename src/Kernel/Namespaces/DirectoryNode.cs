using VerbRing.Verbs;

namespace VerbRing.Kernel.Namespaces;

/// <summary>What every namespace's directory node shares: it can be a dirfd, never read or written (EISDIR).</summary>
internal abstract class DirectoryNode : INode
{
    public bool IsDirectory => true;

    public long Length => 0;

    public Errno Read(long offset, Span<byte> destination, out int read)
    {
        read = 0;
        return Errno.EISDIR;
    }

    public Errno Write(long offset, ReadOnlySpan<byte> source, bool append, out int written, out long end)
    {
        written = 0;
        end = offset;
        return Errno.EISDIR;
    }

    public void Release()
    {
    }
}
