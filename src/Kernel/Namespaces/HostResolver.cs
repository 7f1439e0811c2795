namespace VerbRing.Kernel.Namespaces;

/// <summary>
/// Opens a path beneath a directory descriptor so that nothing — no link, no "..", no rename racing the open — can
/// make it reach outside that directory. Two ways, one rule: <c>openat2(RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS)</c>,
/// where the host kernel itself refuses any step out (EXDEV, answered EACCES); or, where openat2 is missing (ENOSYS,
/// a seccomp filter), a walk that opens one component at a time with <c>openat(O_NOFOLLOW)</c> relative to the
/// last directory it holds, reads each link with <c>readlinkat</c> and follows it by the same rule. In both, a link
/// is followed when it is relative and stays beneath the start; an absolute link, or a ".." that would climb above
/// the start, is refused before anything outside is looked at, so the errno never tells whether an outside path
/// exists. A new file is created by the final open, in the final directory's descriptor, so no swap between a check
/// and the use can redirect it: there is no check apart from the use. When openat2 keeps answering EAGAIN (it does
/// while renames anywhere on the host race a ".." step), that one open takes the walk.
/// </summary>
internal static unsafe class HostResolver
{
    /// <summary>Links followed in one resolution before it is ELOOP (Linux's own limit).</summary>
    public const int MaxLinks = 40;

    private const int MaxPending = 2 * (Verbs.Abi.MaxPath + 1); // a link's target (PATH_MAX) and what follows it
    private const int MaxDepth = (Verbs.Abi.MaxPath / 2) + 1; // "a/a/a…": the deepest a resolved path can go
    private const int Retries = 4; // openat2 answers EAGAIN when any rename on the host raced a ".." step; then the walk

    /// <summary>
    /// Opens <paramref name="path"/> (relative, normalized: no "." or "..", no leading '/'; empty means the start
    /// itself) beneath <paramref name="start"/> with the host open <paramref name="flags"/>. A trailing slash demands
    /// a directory. Returns the host's errno (0 and a descriptor on success).
    /// </summary>
    public static int Open(int start, ReadOnlySpan<byte> path, bool trailingSlash, int flags, bool walk, out int fd)
    {
        flags |= HostCalls.CloseOnExec | HostCalls.NonBlock | HostCalls.NoControllingTerminal;
        if (trailingSlash && (flags & HostCalls.Create) != 0)
        {
            fd = -1;
            return 21; // EISDIR: a name that must be a directory cannot be created as a file (open(2) says so before looking)
        }

        return walk ? Walk(start, path, trailingSlash, flags, out fd) : Beneath(start, path, trailingSlash, flags, out fd);
    }

    /// <summary>Whether this kernel offers openat2 to this process (not missing, not filtered).</summary>
    public static bool HasOpenat2(int directory)
    {
        var dot = stackalloc byte[2];
        dot[0] = (byte)'.';
        dot[1] = 0;
        var fd = HostCalls.OpenBeneath(directory, dot, HostCalls.PathOnly | HostCalls.CloseOnExec, HostCalls.Beneath);
        if (fd < 0)
        {
            return HostCalls.LastError is not (HostCalls.ENOSYS or HostCalls.EPERM or HostCalls.EINVAL or HostCalls.E2BIG);
        }

        HostCalls.Close(fd);
        return true;
    }

    private static int Beneath(int start, ReadOnlySpan<byte> path, bool trailingSlash, int flags, out int fd)
    {
        // The path, NUL-terminated: "." for the start itself, the trailing slash kept (the kernel reads it as we do).
        var terminated = stackalloc byte[Verbs.Abi.MaxPath + 3];
        var length = 0;
        if (path.IsEmpty)
        {
            terminated[length++] = (byte)'.';
        }
        else
        {
            path.CopyTo(new Span<byte>(terminated, path.Length));
            length = path.Length;
            if (trailingSlash)
            {
                terminated[length++] = (byte)'/';
            }
        }

        terminated[length] = 0;
        for (var attempt = 0; ; attempt++)
        {
            fd = HostCalls.OpenBeneath(start, terminated, flags, HostCalls.Beneath);
            if (fd >= 0)
            {
                return 0;
            }

            var error = HostCalls.LastError;
            if (error == HostCalls.EINTR || (error == HostCalls.EAGAIN && attempt < Retries))
            {
                continue;
            }

            // The kernel refuses a ".." while *any* rename on the host may race it (a global sequence count): on a
            // busy host that can go on. The walk resolves ".." itself, under the same rule, and needs no such luck.
            return error == HostCalls.EAGAIN ? Walk(start, path, trailingSlash, flags, out fd) : error;
        }
    }

    private static int Walk(int start, ReadOnlySpan<byte> path, bool trailingSlash, int flags, out int fd)
    {
        fd = -1;
        var buffers = stackalloc byte[2 * MaxPending]; // the pending path lives in one half; a link expands into the other
        var name = stackalloc byte[Verbs.Abi.MaxComponent + 1];
        var target = stackalloc byte[Verbs.Abi.MaxPath + 1];
        var held = stackalloc int[MaxDepth]; // directories opened on the way, each beneath the one before
        var depth = 0;

        path.CopyTo(new Span<byte>(buffers, MaxPending));
        var pending = new Span<byte>(buffers, path.Length);
        var spare = buffers + MaxPending;
        var mustBeDirectory = trailingSlash;
        var links = 0;
        try
        {
            while (true)
            {
                var current = depth == 0 ? start : held[depth - 1];
                var skip = pending.IndexOfAnyExcept((byte)'/');
                if (skip < 0)
                {
                    // Nothing left: the target is the directory the walk stands in ("", or a path ending in "..").
                    name[0] = (byte)'.';
                    name[1] = 0;
                    return OpenFinal(current, name, flags, out fd);
                }

                pending = pending[skip..];
                var slash = pending.IndexOf((byte)'/');
                var component = slash < 0 ? pending : pending[..slash];
                var rest = slash < 0 ? [] : pending[(slash + 1)..];
                var isLast = rest.IndexOfAnyExcept((byte)'/') < 0;
                if (component.Length > Verbs.Abi.MaxComponent)
                {
                    return 36; // ENAMETOOLONG: a link's target can hold a component no path could
                }

                if (component is [(byte)'.'])
                {
                    pending = rest;
                    continue;
                }

                if (component is [(byte)'.', (byte)'.'])
                {
                    if (depth == 0)
                    {
                        return HostCalls.EXDEV; // a climb above the start: refused before anything above is touched
                    }

                    HostCalls.Close(held[--depth]);
                    pending = rest;
                    continue;
                }

                component.CopyTo(new Span<byte>(name, Verbs.Abi.MaxComponent));
                name[component.Length] = 0;
                int error;
                if (!isLast || mustBeDirectory)
                {
                    // On the way: a directory to stand in, or a link to follow; O_NOFOLLOW makes a link show itself.
                    var next = HostCalls.OpenAt(current, name, HostCalls.PathOnly | HostCalls.NoFollow | HostCalls.CloseOnExec);
                    if (next < 0)
                    {
                        error = HostCalls.LastError;
                        return error == 2 && isLast && (flags & HostCalls.Create) != 0 ? 21 : error; // "new/" with CREATE: EISDIR, as open(2)
                    }

                    HostCalls.TryStat(next, out var type, out _);
                    if (type == HostCalls.FileType.Link)
                    {
                        error = Follow(next, [], target, ref links, out var link);
                        HostCalls.Close(next);
                        if (error != 0 || !Expand(link, rest, isLast, ref pending, ref spare, buffers, ref mustBeDirectory, out error))
                        {
                            return error;
                        }

                        continue;
                    }

                    if (type != HostCalls.FileType.Directory)
                    {
                        HostCalls.Close(next);
                        return 20; // ENOTDIR
                    }

                    if (depth == MaxDepth)
                    {
                        HostCalls.Close(next);
                        return 36; // ENAMETOOLONG
                    }

                    held[depth++] = next;
                    pending = rest;
                    continue;
                }

                // The last component: opened (or created) in the directory the walk holds, never through a link.
                error = OpenFinal(current, name, flags | HostCalls.NoFollow, out fd);
                if (error != HostCalls.ELOOP)
                {
                    return error;
                }

                // It is a link (O_NOFOLLOW said ELOOP): read it where it stands and resolve its target by the same rule.
                error = Follow(current, new Span<byte>(name, component.Length + 1), target, ref links, out var last);
                if (error == HostCalls.EINVAL)
                {
                    continue; // no longer a link: it was swapped while we looked; look again (bounded by the link count)
                }

                if (error != 0 || !Expand(last, rest, isLast, ref pending, ref spare, buffers, ref mustBeDirectory, out error))
                {
                    return error;
                }
            }
        }
        finally
        {
            while (depth > 0)
            {
                HostCalls.Close(held[--depth]);
            }
        }
    }

    private static int OpenFinal(int directory, byte* name, int flags, out int fd)
    {
        while (true)
        {
            fd = HostCalls.OpenAt(directory, name, flags);
            if (fd >= 0)
            {
                return 0;
            }

            var error = HostCalls.LastError;
            if (error != HostCalls.EINTR)
            {
                return error;
            }
        }
    }

    /// <summary>Reads the link <paramref name="name"/> (NUL-terminated; empty: the link <paramref name="directory"/> itself is).</summary>
    private static int Follow(int directory, Span<byte> name, byte* buffer, ref int links, out Span<byte> target)
    {
        target = default;
        if (++links > MaxLinks)
        {
            return HostCalls.ELOOP;
        }

        var empty = stackalloc byte[1];
        empty[0] = 0;
        nint read;
        fixed (byte* named = name)
        {
            // SAFETY: readlinkat writes at most the size it is given and does not NUL-terminate.
            read = HostCalls.ReadLinkAt(directory, name.IsEmpty ? empty : named, buffer, Verbs.Abi.MaxPath + 1);
        }

        if (read < 0)
        {
            return HostCalls.LastError;
        }

        if (read == 0)
        {
            return 2; // ENOENT: an empty target names nothing
        }

        if (read > Verbs.Abi.MaxPath)
        {
            return 36; // ENAMETOOLONG
        }

        target = new Span<byte>(buffer, (int)read);
        return target[0] == (byte)'/' ? HostCalls.EXDEV : 0; // an absolute link: its meaning depends on the host, refused
    }

    /// <summary>Replaces the link's component with its target: the walk goes on at the target, then the rest.</summary>
    private static bool Expand(
        scoped Span<byte> link, scoped Span<byte> rest, bool isLast, ref Span<byte> pending, ref byte* spare, byte* buffers, ref bool mustBeDirectory,
        out int error)
    {
        error = 0;
        var needed = link.Length + 1 + rest.Length;
        if (needed > MaxPending)
        {
            error = 36; // ENAMETOOLONG
            return false;
        }

        var into = new Span<byte>(spare, MaxPending);
        link.CopyTo(into);
        into[link.Length] = (byte)'/';
        rest.CopyTo(into[(link.Length + 1)..]);
        if (isLast && link[^1] == (byte)'/')
        {
            mustBeDirectory = true; // a link to "dir/" names a directory, as a trailing slash does
        }

        pending = into[..needed];
        spare = spare == buffers ? buffers + MaxPending : buffers; // the half the old path was in is free now
        return true;
    }
}
