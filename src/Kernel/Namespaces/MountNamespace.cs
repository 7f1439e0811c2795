using System.Text;
using VerbRing.Verbs;

namespace VerbRing.Kernel.Namespaces;

/// <summary>
/// Several namespaces combined into one: "/" in memory, "/data" a host folder, "/ro" a read-only view. A path is
/// first resolved lexically against the whole table (so ".." crosses mount boundaries the way it reads, and a ".."
/// at "/" is answered as the namespace mounted at "/" answers it); then the longest mount path that is a prefix of
/// the result, component by component, owns it, its access is checked, and the rest of the path is opened in that
/// namespace from its root. Files come back as the mounted namespace made them; directories come back as this
/// table's own nodes, so that a dirfd keeps its place in the whole namespace.
/// </summary>
public sealed class MountNamespace : INamespace
{
    private readonly MountPoint[] _points; // longest path first, so the first match is the owner
    private readonly MountedDirectory _root = new([]);

    /// <summary>Combines <paramref name="mounts"/>; exactly one of them is at "/", and no path appears twice.</summary>
    public MountNamespace(IEnumerable<Mount> mounts)
    {
        ArgumentNullException.ThrowIfNull(mounts);
        Mounts = [.. mounts];
        var points = new List<MountPoint>();
        foreach (var mount in Mounts)
        {
            ArgumentNullException.ThrowIfNull(mount?.Namespace, nameof(mounts));
            var prefix = Canonical(mount.Path);
            if (points.Any(p => p.Prefix.AsSpan().SequenceEqual(prefix)))
            {
                throw new ArgumentException($"Two mounts at '{mount.Path}'.", nameof(mounts));
            }

            points.Add(new MountPoint(prefix, mount));
        }

        if (!points.Any(p => p.Prefix.Length == 0))
        {
            throw new ArgumentException("A mount table needs a namespace at '/'.", nameof(mounts));
        }

        _points = [.. points.OrderByDescending(p => p.Prefix.Length)];
        ClimbAboveRoot = _points[^1].Mount.Namespace.ClimbAboveRoot;
    }

    /// <summary>The mounts, as given.</summary>
    public IReadOnlyList<Mount> Mounts { get; }

    /// <inheritdoc />
    public INode Root => _root;

    /// <inheritdoc />
    public RootClimb ClimbAboveRoot { get; }

    /// <summary><paramref name="fileSystem"/> itself when it is a mount table, otherwise a table with it alone at "/".</summary>
    public static MountNamespace Over(INamespace fileSystem) =>
        fileSystem as MountNamespace ?? new MountNamespace([new Mount("/", fileSystem ?? throw new ArgumentNullException(nameof(fileSystem)))]);

    /// <summary>
    /// The same mounts with <paramref name="access"/> applied: each named mount ends at the more restrictive of its
    /// own access and the one asked for, so a ring's policy can close a mount but never open it wider.
    /// </summary>
    public MountNamespace Restrict(IReadOnlyDictionary<string, MountAccess> access)
    {
        ArgumentNullException.ThrowIfNull(access);
        foreach (var path in access.Keys)
        {
            if (!Mounts.Any(m => m.Path == path))
            {
                throw new ArgumentException(
                    $"The policy names '{path}', which is not a mount (mounts: {string.Join(", ", Mounts.Select(m => m.Path))}).", nameof(access));
            }
        }

        return new MountNamespace(Mounts.Select(m =>
            access.TryGetValue(m.Path, out var asked) && asked > m.Access ? m with { Access = asked } : m));
    }

    /// <inheritdoc />
    public Errno Open(INode start, ReadOnlySpan<byte> path, OpenFlags flags, out INode node)
    {
        node = null!;
        var directory = start as MountedDirectory;
        Span<byte> resolved = stackalloc byte[Abi.MaxPath];
        var error = LexicalPath.Resolve(directory is null ? default : directory.Relative, path, ClimbAboveRoot, resolved, out var length, out var trailingSlash);
        if (error != Errno.OK)
        {
            return error;
        }

        if (path[0] != (byte)'/' && directory is null)
        {
            return Errno.ENOTDIR;
        }

        var whole = resolved[..length];
        var point = Owner(whole);
        error = point.Mount.Access switch
        {
            MountAccess.Hidden => Errno.EACCES,
            MountAccess.ReadOnly when (flags & (OpenFlags.Write | OpenFlags.Create | OpenFlags.Truncate | OpenFlags.Append)) != 0 => Errno.EACCES,
            _ => Errno.OK,
        };
        if (error != Errno.OK)
        {
            return error;
        }

        // The rest of the path, from the mounted namespace's root; a trailing '/' still means "a directory".
        var rest = whole[Math.Min(point.Prefix.Length + (point.Prefix.Length > 0 ? 1 : 0), whole.Length)..];
        Span<byte> inner = stackalloc byte[rest.Length + 2];
        inner[0] = (byte)'/';
        rest.CopyTo(inner[1..]);
        var innerLength = rest.Length + 1;
        if (trailingSlash && rest.Length > 0)
        {
            inner[innerLength++] = (byte)'/';
        }

        var mounted = point.Mount.Namespace;
        error = mounted.Open(mounted.Root, inner[..innerLength], flags, out var opened);
        if (error != Errno.OK)
        {
            return error;
        }

        if (!opened.IsDirectory)
        {
            node = opened;
            return Errno.OK;
        }

        opened.Release();
        node = length == 0 ? _root : new MountedDirectory(whole.ToArray());
        return Errno.OK;
    }

    private MountPoint Owner(ReadOnlySpan<byte> path)
    {
        foreach (var point in _points)
        {
            var prefix = point.Prefix;
            if (prefix.Length == 0
                || (path.StartsWith(prefix) && (path.Length == prefix.Length || path[prefix.Length] == (byte)'/')))
            {
                return point;
            }
        }

        throw new InvalidOperationException("A mount table always has a root mount."); // the constructor ensures it
    }

    private static byte[] Canonical(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var bytes = Encoding.UTF8.GetBytes(path);
        Span<byte> resolved = stackalloc byte[Abi.MaxPath];
        if (!path.StartsWith('/')
            || LexicalPath.Resolve(default, bytes, RootClimb.Refuse, resolved, out var length, out _) != Errno.OK
            || !bytes.AsSpan(1).SequenceEqual(resolved[..length]))
        {
            throw new ArgumentException($"'{path}' is not a canonical absolute path (like '/' or '/data').", nameof(path));
        }

        return resolved[..length].ToArray();
    }

    private sealed record MountPoint(byte[] Prefix, Mount Mount);
}

/// <summary>A directory of a mount table, as a dirfd refers to it: its normalized path in the whole namespace.</summary>
internal sealed class MountedDirectory(byte[] relative) : DirectoryNode
{
    /// <summary>No leading '/', no "." or "..": what <see cref="LexicalPath"/> resolves relative paths against.</summary>
    public byte[] Relative { get; } = relative;
}
