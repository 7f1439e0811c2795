using VerbRing.Verbs;

namespace VerbRing.Kernel.Namespaces;

/// <summary>
/// A file system the kernel resolves OPEN paths in. Shared by every ring of a kernel, as processes share a file
/// system, so implementations are thread-safe. Paths are raw bytes from user memory: UTF-8, '/'-separated,
/// never trusted.
/// </summary>
public interface INamespace
{
    /// <summary>The root directory ("/").</summary>
    INode Root { get; }

    /// <summary>How a ".." at the root is answered: clamped (the default) or refused with EACCES.</summary>
    RootClimb ClimbAboveRoot => RootClimb.Clamp;

    /// <summary>
    /// Resolves <paramref name="path"/> (absolute, or relative to <paramref name="start"/>, a directory of this
    /// namespace) and opens it with <paramref name="flags"/>: creating, truncating, refusing as the flags say.
    /// </summary>
    Errno Open(INode start, ReadOnlySpan<byte> path, OpenFlags flags, out INode node);
}

/// <summary>A file or directory of a namespace, as an open descriptor refers to it.</summary>
public interface INode
{
    /// <summary>Whether this is a directory (which can be a dirfd, never read or written).</summary>
    bool IsDirectory { get; }

    /// <summary>The file's length in bytes (0 for directories).</summary>
    long Length { get; }

    /// <summary>Reads up to <c>destination.Length</c> bytes at <paramref name="offset"/>; 0 at or past the end.</summary>
    Errno Read(long offset, Span<byte> destination, out int read);

    /// <summary>
    /// Writes <paramref name="source"/> at <paramref name="offset"/> (or at the end when <paramref name="append"/>),
    /// filling any gap with zeros; <paramref name="end"/> is the offset just past the written bytes.
    /// </summary>
    Errno Write(long offset, ReadOnlySpan<byte> source, bool append, out int written, out long end);

    /// <summary>Called once when a descriptor referring to this node closes.</summary>
    void Release();
}
