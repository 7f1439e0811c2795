using System.Text.Unicode;
using VerbRing.Verbs;

namespace VerbRing.Kernel.Namespaces;

/// <summary>
/// Resolves a raw path lexically, without touching any file system: from a starting directory's normalized path,
/// "." is dropped, ".." pops a component (and at the root clamps or is refused, as the namespace says), and the
/// result is written without a leading '/' — components joined by single slashes, no "." or "..". A path ending in
/// '/', "." or ".." names a directory (<c>trailingSlash</c>), so "link/." follows the link as "link/" does. The one resolver
/// that the host namespace and the mount table share, so that both read "/a/../../x" the same way.
/// </summary>
internal static class LexicalPath
{
    /// <summary>
    /// Resolves <paramref name="path"/> (absolute, or relative to the normalized <paramref name="start"/>) into
    /// <paramref name="destination"/> (at least <see cref="Abi.MaxPath"/> bytes). Errors: ENOENT (empty, embedded
    /// NUL), ENAMETOOLONG (path, component or result too long), EINVAL (a component that is not UTF-8), EACCES (a
    /// climb above the root where <paramref name="climb"/> refuses it).
    /// </summary>
    public static Errno Resolve(
        ReadOnlySpan<byte> start, ReadOnlySpan<byte> path, RootClimb climb, Span<byte> destination, out int length, out bool trailingSlash)
    {
        length = 0;
        var error = PathComponents.TryCreate(path, out var components, out var absolute, out trailingSlash);
        if (error != Errno.OK)
        {
            return error;
        }

        if (!absolute)
        {
            if (start.Length > destination.Length)
            {
                return Errno.ENAMETOOLONG;
            }

            start.CopyTo(destination);
            length = start.Length;
        }

        while (components.MoveNext())
        {
            var component = components.Current;
            if (PathComponents.IsDot(component) || PathComponents.IsDotDot(component))
            {
                trailingSlash |= components.IsLast; // "x/." and "x/.." name a directory, as "x/" does
            }

            if (PathComponents.IsDot(component))
            {
                continue;
            }

            if (PathComponents.IsDotDot(component))
            {
                if (length == 0)
                {
                    if (climb == RootClimb.Refuse)
                    {
                        return Errno.EACCES; // an attempt to climb out of the namespace is refused, not quietly clamped
                    }

                    continue;
                }

                length = Math.Max(destination[..length].LastIndexOf((byte)'/'), 0);
                continue;
            }

            if (!Utf8.IsValid(component))
            {
                return Errno.EINVAL;
            }

            var needed = length + (length > 0 ? 1 : 0) + component.Length;
            if (needed > destination.Length)
            {
                return Errno.ENAMETOOLONG;
            }

            if (length > 0)
            {
                destination[length++] = (byte)'/';
            }

            component.CopyTo(destination[length..]);
            length += component.Length;
        }

        return Errno.OK;
    }
}
