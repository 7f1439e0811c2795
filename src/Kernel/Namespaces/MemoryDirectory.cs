namespace VerbRing.Kernel.Namespaces;

/// <summary>
/// A directory of the in-memory namespace: named children and a parent (the root is its own parent, so ".."
/// never climbs above it). Guarded by the namespace's tree lock, not its own.
/// </summary>
internal sealed class MemoryDirectory : DirectoryNode
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

    /// <summary>Looks a child up by a decoded name without allocating a string.</summary>
    public Dictionary<string, INode>.AlternateLookup<ReadOnlySpan<char>> Lookup { get; }

    public IReadOnlyDictionary<string, INode> Children => _children;

    public void Add(string name, INode child) => _children.Add(name, child);
}
