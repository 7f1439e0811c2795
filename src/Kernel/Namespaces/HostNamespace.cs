using System.Text;
using VerbRing.Verbs;

namespace VerbRing.Kernel;

/// <summary>
/// A namespace backed by a host folder, which no path ever leaves. Paths resolve lexically inside it: an absolute
/// path starts at the folder, and a ".." that would climb above it is refused with EACCES. On disk, every component that is a symbolic link
/// is followed only if its final target — through any chain of links — is inside the folder; otherwise EACCES. After
/// opening, the handle's real path is checked once more (through /proc/self/fd), so a link swapped in between the
/// check and the open is caught too. Reads and writes are positional on the real handle; OFF_CUR positions are
/// VerbRing's. A read-only namespace refuses every write, create and truncate with EACCES.
/// </summary>
public sealed class HostNamespace : INamespace
{
    private readonly string _root;
    private readonly bool _readOnly;
    private readonly long _maxFileSize;
    private int _openHandles;

    /// <summary>Serves the folder at <paramref name="root"/> (which must exist).</summary>
    public HostNamespace(string root, bool readOnly = false, long maxFileSize = 1L << 30)
    {
        ArgumentNullException.ThrowIfNull(root);
        var full = Path.GetFullPath(root);
        if (!Directory.Exists(full))
        {
            throw new DirectoryNotFoundException($"'{root}' is not a folder.");
        }

        _root = RealPath(full) ?? full;
        _readOnly = readOnly;
        _maxFileSize = maxFileSize;
        Root = new HostDirectory(_root, []);
    }

    /// <inheritdoc />
    public INode Root { get; }

    /// <summary>The host folder this namespace serves.</summary>
    public string RootPath => _root;

    /// <inheritdoc />
    public RootClimb ClimbAboveRoot => RootClimb.Refuse;

    /// <summary>Host files this namespace has open now (descriptors that refer to them and are not yet closed).</summary>
    public int OpenHandles => Volatile.Read(ref _openHandles); // read by checks on other threads

    /// <inheritdoc />
    public Errno Open(INode start, ReadOnlySpan<byte> path, OpenFlags flags, out INode node)
    {
        node = null!;

        // Lexical resolution inside the namespace: ".." pops, and climbing above the root is refused.
        var directory = start as HostDirectory;
        Span<byte> resolved = stackalloc byte[Abi.MaxPath];
        var error = LexicalPath.Resolve(directory is null ? default : directory.Relative, path, RootClimb.Refuse, resolved, out var length, out var trailingSlash);
        if (error != Errno.OK)
        {
            return error;
        }

        if (path[0] != (byte)'/' && directory is null)
        {
            return Errno.ENOTDIR;
        }

        if (_readOnly && (flags & (OpenFlags.Write | OpenFlags.Create | OpenFlags.Truncate | OpenFlags.Append)) != 0)
        {
            return Errno.EACCES;
        }

        var parts = length == 0 ? [] : Encoding.UTF8.GetString(resolved[..length]).Split('/');
        return OpenResolved(parts, flags, trailingSlash, out node);
    }

    private Errno OpenResolved(string[] parts, OpenFlags flags, bool trailingSlash, out INode node)
    {
        node = null!;

        // Walk the parent directories on disk, refusing any link that leads out.
        var current = _root;
        for (var i = 0; i < parts.Length - 1; i++)
        {
            var error = Step(ref current, parts[i], mustExist: true);
            if (error != Errno.OK)
            {
                return error;
            }

            if (!Directory.Exists(current))
            {
                return File.Exists(current) ? Errno.ENOTDIR : Errno.ENOENT;
            }
        }

        if (parts.Length == 0)
        {
            return (flags & OpenFlags.Write) != 0 ? Errno.EISDIR
                : (flags & (OpenFlags.Create | OpenFlags.Exclusive)) == (OpenFlags.Create | OpenFlags.Exclusive) ? Errno.EEXIST
                : OpenDirectory((HostDirectory)Root, out node);
        }

        var last = parts[^1];
        var target = current;
        var stepError = Step(ref target, last, mustExist: false);
        if (stepError != Errno.OK)
        {
            return stepError;
        }

        if (System.IO.Directory.Exists(target))
        {
            if ((flags & (OpenFlags.Create | OpenFlags.Exclusive)) == (OpenFlags.Create | OpenFlags.Exclusive))
            {
                return Errno.EEXIST;
            }

            return (flags & OpenFlags.Write) != 0 ? Errno.EISDIR : OpenDirectory(new HostDirectory(target, Encoding.UTF8.GetBytes(string.Join('/', parts))), out node);
        }

        if (trailingSlash)
        {
            return File.Exists(target) ? Errno.ENOTDIR : (flags & OpenFlags.Create) != 0 ? Errno.EISDIR : Errno.ENOENT;
        }

        return OpenFile(target, flags, out node);
    }

    private static Errno OpenDirectory(HostDirectory directory, out INode node)
    {
        node = directory;
        return Errno.OK;
    }

    /// <summary>Moves <paramref name="current"/> to its child <paramref name="name"/>, following links only inside the root.</summary>
    private Errno Step(ref string current, string name, bool mustExist)
    {
        var next = Path.Join(current, name);
        FileSystemInfo info = new FileInfo(next);
        if (info.LinkTarget is null)
        {
            if (mustExist && !info.Exists && !System.IO.Directory.Exists(next))
            {
                return Errno.ENOENT;
            }

            current = next;
            return Errno.OK;
        }

        try
        {
            var final = info.ResolveLinkTarget(returnFinalTarget: true);
            if (final is null || !IsInside(final.FullName))
            {
                return Errno.EACCES; // a link that leads out of the folder, directly or through a chain
            }

            current = RealPath(final.FullName) ?? final.FullName;
            return IsInside(current) ? Errno.OK : Errno.EACCES;
        }
        catch (IOException)
        {
            return Errno.EACCES; // a loop of links, or one that cannot be followed
        }
    }

    private Errno OpenFile(string target, OpenFlags flags, out INode node)
    {
        node = null!;
        // The open itself answers EEXIST (CREATE|EXCLUSIVE) and ENOENT (no CREATE): no second look at the disk.
        var error = HostOpen.Open(target, flags, out var handle);
        if (error != Errno.OK)
        {
            return error;
        }

        // The handle's real path, read back from the kernel: a link swapped in after the checks is caught here.
        if (RealPath($"/proc/self/fd/{handle.DangerousGetHandle()}") is { } real && !IsInside(real))
        {
            handle.Dispose();
            return Errno.EACCES;
        }

        if ((flags & OpenFlags.Truncate) != 0)
        {
            RandomAccess.SetLength(handle, 0);
        }

        Interlocked.Increment(ref _openHandles); // counted for teardown checks; the file decrements on release
        node = new HostFile(handle, _maxFileSize, () => Interlocked.Decrement(ref _openHandles));
        return Errno.OK;
    }

    private bool IsInside(string path) =>
        path == _root || path.StartsWith(_root.EndsWith('/') ? _root : _root + "/", StringComparison.Ordinal);

    private static string? RealPath(string path)
    {
        try
        {
            var info = new FileInfo(path);
            return info.LinkTarget is null ? Path.GetFullPath(path) : info.ResolveLinkTarget(returnFinalTarget: true)?.FullName;
        }
        catch (IOException)
        {
            return null;
        }
    }
}
