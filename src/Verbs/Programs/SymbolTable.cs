using System.Collections.ObjectModel;

namespace VerbRing.Verbs.Programs;

/// <summary>
/// A program's buffers and data in declaration order, with an index by name kept up to date as symbols are added,
/// so that finding one costs the same in a program of ten symbols as in one of a hundred thousand.
/// </summary>
internal sealed class SymbolTable : Collection<SymbolDecl>
{
    private readonly Dictionary<string, SymbolDecl> _byName = new(StringComparer.Ordinal);
    private bool _stale;

    /// <summary>The first symbol named <paramref name="name"/>, or null.</summary>
    public SymbolDecl? Find(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (_stale)
        {
            Reindex();
        }

        return _byName.GetValueOrDefault(name);
    }

    /// <inheritdoc />
    protected override void InsertItem(int index, SymbolDecl item)
    {
        ArgumentNullException.ThrowIfNull(item);
        base.InsertItem(index, item);
        if (index == Count - 1)
        {
            _byName.TryAdd(item.Name, item); // appended: the first of a name stays the one found
        }
        else
        {
            _stale = true;
        }
    }

    /// <inheritdoc />
    protected override void SetItem(int index, SymbolDecl item)
    {
        ArgumentNullException.ThrowIfNull(item);
        base.SetItem(index, item);
        _stale = true;
    }

    /// <inheritdoc />
    protected override void RemoveItem(int index)
    {
        base.RemoveItem(index);
        _stale = true;
    }

    /// <inheritdoc />
    protected override void ClearItems()
    {
        base.ClearItems();
        _byName.Clear();
        _stale = false;
    }

    private void Reindex()
    {
        _byName.Clear();
        foreach (var symbol in Items)
        {
            _byName.TryAdd(symbol.Name, symbol);
        }

        _stale = false;
    }
}
