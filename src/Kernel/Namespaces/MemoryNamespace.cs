using System.Text;
using VerbRing.Verbs;

namespace VerbRing.Kernel.Namespaces;

/// <summary>
/// The embedded default file system: directories and files in managed memory, shared by every ring of a kernel.
/// One tree lock orders lookups and creations; each file has its own lock for data. It can be seeded from code
/// (<c>WriteFile</c>, <see cref="CreateDirectory"/>) and read back for checks (<see cref="ReadFile"/>).
/// </summary>
public sealed class MemoryNamespace : INamespace
{
    /// <summary>The default largest file, in bytes (64 MiB).</summary>
    public const long DefaultMaxFileSize = 64L << 20;

    private readonly Lock _tree = new();
    private readonly MemoryDirectory _root = new(null, "");
    private readonly long _maxFileSize;

    /// <summary>An empty namespace whose files may grow to <paramref name="maxFileSize"/> bytes (EFBIG past it).</summary>
    public MemoryNamespace(long maxFileSize = DefaultMaxFileSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxFileSize, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxFileSize, Array.MaxLength);
        _maxFileSize = maxFileSize;
    }

    /// <inheritdoc />
    public INode Root => _root;

    /// <inheritdoc />
    public Errno Open(INode start, ReadOnlySpan<byte> path, OpenFlags flags, out INode node)
    {
        node = null!;
        var error = PathComponents.TryCreate(path, out var components, out var absolute, out var trailingSlash);
        if (error != Errno.OK)
        {
            return error;
        }

        if (!absolute && start is not MemoryDirectory)
        {
            return start is null ? Errno.EBADF : Errno.ENOTDIR;
        }

        lock (_tree)
        {
            var directory = absolute ? _root : (MemoryDirectory)start;
            Span<char> chars = stackalloc char[Abi.MaxComponent];
            while (components.MoveNext())
            {
                var component = components.Current;
                if (PathComponents.IsDot(component))
                {
                    continue;
                }

                if (PathComponents.IsDotDot(component))
                {
                    directory = directory.Parent;
                    continue;
                }

                error = PathComponents.Decode(component, chars, out var name);
                if (error != Errno.OK)
                {
                    return error;
                }

                var exists = directory.Lookup.TryGetValue(name, out var child);
                if (!components.IsLast)
                {
                    if (!exists)
                    {
                        return Errno.ENOENT;
                    }

                    if (child is not MemoryDirectory next)
                    {
                        return Errno.ENOTDIR;
                    }

                    directory = next;
                    continue;
                }

                return exists
                    ? OpenExisting(child!, flags, trailingSlash, out node)
                    : CreateFile(directory, name, flags, trailingSlash, out node);
            }

            // The path named a directory through ".", ".." or "/" alone.
            return OpenExisting(directory, flags, trailingSlash: true, out node);
        }
    }

    /// <summary>Creates (or replaces) a file at <paramref name="path"/>, with its parent directories.</summary>
    public void WriteFile(string path, ReadOnlySpan<byte> content)
    {
        ArgumentNullException.ThrowIfNull(path);
        lock (_tree)
        {
            var (parent, name) = Walk(path, createParents: true);
            if (parent is null || name.Length == 0)
            {
                throw new ArgumentException($"'{path}' names no file.", nameof(path));
            }

            if (!parent.Children.TryGetValue(name, out var node))
            {
                node = new MemoryFile(parent, name, _maxFileSize);
                parent.Add(name, node);
            }

            if (node is not MemoryFile file)
            {
                throw new InvalidOperationException($"'{path}' is a directory.");
            }

            file.Truncate();
            file.Write(0, content, append: false, out _, out _);
        }
    }

    /// <summary>Creates a file holding <paramref name="text"/> in UTF-8.</summary>
    public void WriteFile(string path, string text) => WriteFile(path, Encoding.UTF8.GetBytes(text));

    /// <summary>Creates a directory at <paramref name="path"/>, with its parents.</summary>
    public void CreateDirectory(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        lock (_tree)
        {
            var (parent, name) = Walk(path, createParents: true);
            if (parent is not null && name.Length > 0 && !parent.Children.ContainsKey(name))
            {
                parent.Add(name, new MemoryDirectory(parent, name));
            }
        }
    }

    /// <summary>The contents of the file at <paramref name="path"/>, or null when there is none.</summary>
    public byte[]? ReadFile(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        lock (_tree)
        {
            var (parent, name) = Walk(path, createParents: false);
            return parent is not null && parent.Children.TryGetValue(name, out var node) && node is MemoryFile file
                ? file.ToArray()
                : null;
        }
    }

    /// <summary>Every file's path, sorted (for tests and traces).</summary>
    public IReadOnlyList<string> ListFiles()
    {
        lock (_tree)
        {
            var files = new List<string>();
            Collect(_root, "", files);
            files.Sort(StringComparer.Ordinal);
            return files;
        }
    }

    /// <summary>Checks the tree's invariants: parent links, names, and every file's zero tail. Empty when sound.</summary>
    public IReadOnlyList<string> FindInconsistencies()
    {
        lock (_tree)
        {
            var problems = new List<string>();
            Check(_root, "", problems);
            return problems;
        }
    }

    private static Errno OpenExisting(INode node, OpenFlags flags, bool trailingSlash, out INode opened)
    {
        opened = null!;
        if ((flags & (OpenFlags.Create | OpenFlags.Exclusive)) == (OpenFlags.Create | OpenFlags.Exclusive))
        {
            return Errno.EEXIST;
        }

        if (node.IsDirectory)
        {
            if ((flags & OpenFlags.Write) != 0)
            {
                return Errno.EISDIR;
            }
        }
        else if (trailingSlash)
        {
            return Errno.ENOTDIR;
        }
        else if ((flags & OpenFlags.Truncate) != 0)
        {
            ((MemoryFile)node).Truncate();
        }

        opened = node;
        return Errno.OK;
    }

    private Errno CreateFile(MemoryDirectory parent, ReadOnlySpan<char> name, OpenFlags flags, bool trailingSlash, out INode created)
    {
        created = null!;
        if ((flags & OpenFlags.Create) == 0)
        {
            return Errno.ENOENT;
        }

        if (trailingSlash)
        {
            return Errno.EISDIR;
        }

        var text = name.ToString();
        var file = new MemoryFile(parent, text, _maxFileSize);
        parent.Add(text, file);
        created = file;
        return Errno.OK;
    }

    private (MemoryDirectory? Parent, string Name) Walk(string path, bool createParents)
    {
        var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var directory = _root;
        for (var i = 0; i < parts.Length - 1; i++)
        {
            if (!directory.Children.TryGetValue(parts[i], out var child))
            {
                if (!createParents)
                {
                    return (null, "");
                }

                child = new MemoryDirectory(directory, parts[i]);
                directory.Add(parts[i], child);
            }

            directory = child as MemoryDirectory ?? throw new InvalidOperationException($"'{parts[i]}' in '{path}' is a file.");
        }

        return (directory, parts.Length == 0 ? "" : parts[^1]);
    }

    private static void Collect(MemoryDirectory directory, string prefix, List<string> files)
    {
        foreach (var (name, node) in directory.Children)
        {
            if (node is MemoryDirectory child)
            {
                Collect(child, $"{prefix}/{name}", files);
            }
            else
            {
                files.Add($"{prefix}/{name}");
            }
        }
    }

    private static void Check(MemoryDirectory directory, string prefix, List<string> problems)
    {
        foreach (var (name, node) in directory.Children)
        {
            var path = $"{prefix}/{name}";
            switch (node)
            {
                case MemoryDirectory child when child.Parent != directory || child.Name != name:
                    problems.Add($"{path}: parent link or name broken");
                    break;
                case MemoryDirectory child:
                    Check(child, path, problems);
                    break;
                case MemoryFile file when file.Parent != directory || file.Name != name || !file.IsConsistent():
                    problems.Add($"{path}: file inconsistent");
                    break;
            }
        }
    }
}
