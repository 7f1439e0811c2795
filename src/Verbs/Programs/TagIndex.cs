namespace VerbRing.Verbs.Programs;

/// <summary>
/// Every step's data tag, sorted by tag and then by step: the steps sharing a tag lie side by side, oldest first,
/// and finding a tag is a binary search. One array of (tag, step) pairs, 16 bytes a step — a program of millions
/// of steps costs no dictionary and no list per tag — and nothing at all when every step keeps its default tag.
/// </summary>
internal sealed class TagIndex
{
    // Null when every step has its default tag, its own index: then position, tag and step are one number.
    private readonly (ulong Tag, int Step)[]? _entries;

    private TagIndex((ulong Tag, int Step)[]? entries, int count)
    {
        _entries = entries;
        Count = count;
        for (var i = 1; entries is not null && i < entries.Length && !HasSharedTags; i++)
        {
            HasSharedTags = entries[i - 1].Tag == entries[i].Tag;
        }
    }

    /// <summary>Whether two steps or more share a tag.</summary>
    public bool HasSharedTags { get; }

    /// <summary>The number of steps indexed.</summary>
    public int Count { get; }

    /// <summary>Indexes <paramref name="count"/> steps, the tag of step i being <paramref name="tagOf"/>(i).</summary>
    public static TagIndex Of(int count, Func<int, ulong> tagOf)
    {
        ArgumentNullException.ThrowIfNull(tagOf);
        var identity = true;
        for (var i = 0; i < count && identity; i++)
        {
            identity = tagOf(i) == (ulong)i;
        }

        if (identity)
        {
            return new TagIndex(null, count);
        }

        var entries = new (ulong Tag, int Step)[count];
        var sorted = true;
        for (var i = 0; i < entries.Length; i++)
        {
            entries[i] = (tagOf(i), i);
            sorted &= i == 0 || entries[i - 1].Tag < entries[i].Tag;
        }

        if (!sorted)
        {
            Array.Sort(entries); // by tag, then by step: the pairs are unique, so the order is total
        }

        return new TagIndex(entries, count);
    }

    /// <summary>The position of the first (oldest) step tagged <paramref name="tag"/>, or -1.</summary>
    public int First(ulong tag)
    {
        if (_entries is null)
        {
            return tag < (ulong)Count ? (int)tag : -1;
        }

        int low = 0, high = _entries.Length;
        while (low < high)
        {
            var middle = low + ((high - low) / 2);
            if (_entries[middle].Tag < tag)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }

        return low < _entries.Length && _entries[low].Tag == tag ? low : -1;
    }

    /// <summary>The tag and step at <paramref name="position"/> (positions run in tag order, then step order).</summary>
    public (ulong Tag, int Step) At(int position) => _entries is null ? ((ulong)position, position) : _entries[position];
}
