using VerbRing.Verbs;

namespace VerbRing.Kernel;

/// <summary>
/// A directory of the in-memory namespace: named children and a parent (the root is its own parent, so ".."
/// never climbs above it). Guarded by the namespace's tree lock, not its own.
/// </summary>
internal sealed class MemoryDirectory : INode
{
    private readonly Dictionary<string, INode> _children = new(StringComparer.Ordinal);

    public MemoryDirectory(MemoryDirectory? parent, string name)
    {
        Parent = parent ?? this;
        Name = name;
        Lookup = _children.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public MemoryDirectory Parent { get; }

    public string Name { get; }

    public bool IsDirectory => true;

    public long Length => 0;

    /// <summary>Looks a child up by a decoded name without allocating a string.</summary>
    public Dictionary<string, INode>.AlternateLookup<ReadOnlySpan<char>> Lookup { get; }

    public IReadOnlyDictionary<string, INode> Children => _children;

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

    public void Add(string name, INode child) => _children.Add(name, child);
}
