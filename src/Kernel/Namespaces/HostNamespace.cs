using Microsoft.Win32.SafeHandles;
using VerbRing.Verbs;

namespace VerbRing.Kernel.Namespaces;

/// <summary>
/// A namespace backed by a host folder, which no path ever leaves — decided by the host kernel, not by strings. The
/// folder is opened once as a directory descriptor (its own path, links and all, resolved once, by whoever chose
/// it); every OPEN after that resolves beneath that one descriptor through <see cref="HostResolver"/> (a dirfd
/// contributes its path in the namespace). "." and ".." in a path resolve lexically first, as in every namespace, and a ".." that
/// would climb above the folder is EACCES; links are followed when they are relative and stay inside; anything that
/// would leave is EACCES and touches nothing. Files are raw descriptors read and written positionally; OFF_CUR
/// positions are VerbRing's. A read-only namespace refuses every write, create and truncate with EACCES.
/// </summary>
public sealed class HostNamespace : INamespace, IDisposable
{
    private const OpenFlags Writes = OpenFlags.Write | OpenFlags.Create | OpenFlags.Truncate | OpenFlags.Append;

    private readonly SafeFileHandle _root;
    private readonly bool _readOnly;
    private readonly long _maxFileSize;
    private readonly bool _walk;
    private readonly HostDirectory _rootNode;
    private readonly Lock _poolLock = new();
    private readonly Stack<HostFile> _pool = new();
    private int _openHandles;

    /// <summary>Serves the folder at <paramref name="root"/> (which must exist); files may grow to <paramref name="maxFileSize"/>.</summary>
    public HostNamespace(string root, bool readOnly = false, long maxFileSize = 1L << 30)
        : this(root, readOnly, maxFileSize, HostResolution.Auto)
    {
    }

    internal HostNamespace(string root, bool readOnly, long maxFileSize, HostResolution resolution)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentOutOfRangeException.ThrowIfNegative(maxFileSize);
        var full = Path.GetFullPath(root);

        // The one host path string ever used: the folder itself, chosen by whoever serves it; links in it are theirs.
        var fd = HostCalls.OpenPath(full, HostCalls.PathOnly | HostCalls.Directory | HostCalls.CloseOnExec, 0);
        if (fd < 0)
        {
            throw new DirectoryNotFoundException($"'{root}' is not a folder that can be served ({HostErrno.From(HostCalls.LastError)}).");
        }

        _root = new SafeFileHandle(fd, ownsHandle: true);
        _readOnly = readOnly;
        _maxFileSize = maxFileSize;
        _walk = resolution == HostResolution.Walk || !HostResolver.HasOpenat2(fd);
        _rootNode = new HostDirectory([]);
        RootPath = RealPath(fd) ?? full;
    }

    /// <inheritdoc />
    public INode Root => _rootNode;

    /// <summary>The host folder this namespace serves, as the kernel named it when it was opened (for messages and checks).</summary>
    public string RootPath { get; }

    /// <inheritdoc />
    public RootClimb ClimbAboveRoot => RootClimb.Refuse;

    /// <summary>Whether resolution walks component by component (openat2 is missing or was turned off).</summary>
    internal bool Walks => _walk;

    /// <summary>Host files this namespace has open now (descriptors that refer to them and are not yet closed).</summary>
    public int OpenHandles => Volatile.Read(ref _openHandles); // read by checks on other threads

    /// <inheritdoc />
    public Errno Open(INode start, ReadOnlySpan<byte> path, OpenFlags flags, out INode node)
    {
        node = null!;
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

        if (_readOnly && (flags & Writes) != 0)
        {
            return Errno.EACCES;
        }

        var success = false;
        try
        {
            _root.DangerousAddRef(ref success); // the root descriptor stays open (and its number ours) for this open
            return OpenBeneath(resolved[..length], trailingSlash, flags, out node);
        }
        catch (ObjectDisposedException)
        {
            return Errno.EBADF; // the namespace was disposed under a ring still using it
        }
        finally
        {
            if (success)
            {
                _root.DangerousRelease();
            }
        }
    }

    /// <summary>Closes the folder's descriptor. Files already open stay usable until their descriptors close.</summary>
    public void Dispose() => _root.Dispose();

    /// <summary>Takes a released file node back for the next OPEN.</summary>
    internal void Return(HostFile file)
    {
        Interlocked.Decrement(ref _openHandles); // counted for teardown checks on other threads
        lock (_poolLock)
        {
            _pool.Push(file);
        }
    }

    private Errno OpenBeneath(ReadOnlySpan<byte> resolved, bool trailingSlash, OpenFlags flags, out INode node)
    {
        node = null!;

        // Every path, absolute or from a dirfd, resolves beneath the folder's own descriptor: one boundary, one rule.
        var root = (int)_root.DangerousGetHandle();
        var host = HostFlags(flags);
        var errno = HostResolver.Open(root, resolved, trailingSlash, host, _walk, out var fd);
        if (errno == 21 && (flags & (OpenFlags.Create | OpenFlags.Write)) == OpenFlags.Create)
        {
            // READ|CREATE of an existing directory opens it, as in the memory namespace; open(2) says EISDIR.
            errno = HostResolver.Open(root, resolved, trailingSlash, host & ~(HostCalls.Create | HostCalls.Exclusive), _walk, out fd);
        }

        if (errno != 0)
        {
            return HostErrno.From(errno);
        }

        if (!HostCalls.TryStat(fd, out var type, out _) || type is not (HostCalls.FileType.Regular or HostCalls.FileType.Directory))
        {
            HostCalls.Close(fd);
            return Errno.EACCES; // a FIFO, device or socket: not something a ring may read or write
        }

        if (type == HostCalls.FileType.Directory)
        {
            HostCalls.Close(fd); // it exists and is a directory: a dirfd needs no more than its place in the namespace
            node = resolved.IsEmpty ? _rootNode : new HostDirectory(resolved.ToArray());
            return Errno.OK;
        }

        node = Rent(fd);
        return Errno.OK;
    }

    private HostFile Rent(int fd)
    {
        HostFile? file;
        lock (_poolLock)
        {
            _pool.TryPop(out file);
        }

        file ??= new HostFile(this);
        file.Attach(fd, _maxFileSize);
        Interlocked.Increment(ref _openHandles); // counted for teardown checks; Return decrements
        return file;
    }

    private static int HostFlags(OpenFlags flags)
    {
        var access = (flags & (OpenFlags.Read | OpenFlags.Write)) switch
        {
            OpenFlags.Read => HostCalls.ReadOnly,
            OpenFlags.Write => HostCalls.WriteOnly,
            _ => HostCalls.ReadWrite,
        };
        return access
            | ((flags & OpenFlags.Create) != 0 ? HostCalls.Create : 0)
            | ((flags & OpenFlags.Exclusive) != 0 ? HostCalls.Exclusive : 0)
            | ((flags & OpenFlags.Truncate) != 0 ? HostCalls.Truncate : 0);
    }

    private static string? RealPath(int fd)
    {
        try
        {
            return new FileInfo($"/proc/self/fd/{fd}").LinkTarget; // for messages only: nothing is resolved through it
        }
        catch (IOException)
        {
            return null;
        }
    }
}
