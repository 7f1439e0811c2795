using System.Text.Unicode;
using VerbRing.Verbs;

namespace VerbRing.Kernel.Namespaces;

/// <summary>
/// Splits a raw path into its components without allocating: '/'-separated, empty components skipped, with
/// whether it is absolute and whether it ends in '/'. Rejects what no namespace accepts: empty paths (ENOENT),
/// embedded NUL (ENOENT), components over <see cref="Abi.MaxComponent"/> bytes (ENAMETOOLONG).
/// </summary>
internal ref struct PathComponents
{
    private readonly ReadOnlySpan<byte> _path;
    private int _position;

    private PathComponents(ReadOnlySpan<byte> path)
    {
        _path = path;
        _position = 0;
        Current = default;
    }

    /// <summary>The component the last <see cref="MoveNext"/> found.</summary>
    public ReadOnlySpan<byte> Current { get; private set; }

    /// <summary>Whether <see cref="Current"/> is the final component.</summary>
    public readonly bool IsLast => _path[_position..].IndexOfAnyExcept((byte)'/') < 0;

    /// <summary>Checks the whole path once and positions before its first component.</summary>
    public static Errno TryCreate(ReadOnlySpan<byte> path, out PathComponents components, out bool absolute, out bool trailingSlash)
    {
        components = default;
        absolute = path.Length > 0 && path[0] == (byte)'/';
        trailingSlash = path.Length > 0 && path[^1] == (byte)'/';
        if (path.IsEmpty || path.Contains((byte)0))
        {
            return Errno.ENOENT;
        }

        if (path.Length > Abi.MaxPath)
        {
            return Errno.ENAMETOOLONG;
        }

        var rest = path;
        while (!rest.IsEmpty)
        {
            var slash = rest.IndexOf((byte)'/');
            var length = slash < 0 ? rest.Length : slash;
            if (length > Abi.MaxComponent)
            {
                return Errno.ENAMETOOLONG;
            }

            rest = slash < 0 ? default : rest[(slash + 1)..];
        }

        components = new PathComponents(path);
        return Errno.OK;
    }

    /// <summary>Whether a component is ".".</summary>
    public static bool IsDot(ReadOnlySpan<byte> component) => component.Length == 1 && component[0] == (byte)'.';

    /// <summary>Whether a component is "..".</summary>
    public static bool IsDotDot(ReadOnlySpan<byte> component) =>
        component.Length == 2 && component[0] == (byte)'.' && component[1] == (byte)'.';

    /// <summary>Decodes a component into <paramref name="chars"/>; EINVAL for invalid UTF-8.</summary>
    public static Errno Decode(ReadOnlySpan<byte> component, Span<char> chars, out ReadOnlySpan<char> name)
    {
        var status = Utf8.ToUtf16(component, chars, out _, out var written, replaceInvalidSequences: false);
        name = chars[..written];
        return status == System.Buffers.OperationStatus.Done ? Errno.OK : Errno.EINVAL;
    }

    /// <summary>Advances to the next non-empty component.</summary>
    public bool MoveNext()
    {
        while (_position < _path.Length && _path[_position] == (byte)'/')
        {
            _position++;
        }

        if (_position >= _path.Length)
        {
            return false;
        }

        var rest = _path[_position..];
        var slash = rest.IndexOf((byte)'/');
        var length = slash < 0 ? rest.Length : slash;
        Current = rest[..length];
        _position += length;
        return true;
    }
}
