using VerbRing.Kernel.Namespaces;
using VerbRing.Verbs;

namespace VerbRing.Kernel.Files;

/// <summary>
/// A ring's descriptor table: the lowest free descriptor first, up to a limit (EMFILE past it). Closed slots
/// keep their <see cref="OpenFile"/> for reuse. Only the ring's interpreter touches it, under the enter lock.
/// </summary>
internal sealed class FileTable
{
    private readonly OpenFile?[] _slots;
    private readonly bool[] _used;
    private int _lowestFree;

    public FileTable(int limit)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        _slots = new OpenFile?[limit];
        _used = new bool[limit];
    }

    /// <summary>The descriptor limit.</summary>
    public int Limit => _slots.Length;

    /// <summary>Descriptors open now.</summary>
    public int OpenCount { get; private set; }

    /// <summary>Whether a descriptor can be allocated.</summary>
    public bool HasFree => OpenCount < _slots.Length;

    /// <summary>How many descriptors can still be allocated.</summary>
    public int FreeCount => _slots.Length - OpenCount;

    /// <summary>The open file at <paramref name="fd"/>; false for unknown or closed descriptors.</summary>
    public bool TryGet(ulong fd, out OpenFile? file)
    {
        if (fd < (ulong)_slots.Length && _used[fd])
        {
            file = _slots[fd];
            return true;
        }

        file = null;
        return false;
    }

    /// <summary>Opens <paramref name="node"/> at the lowest free descriptor; EMFILE when full.</summary>
    public Errno TryOpen(INode node, OpenFlags flags, out int fd)
    {
        fd = -1;
        if (!HasFree)
        {
            return Errno.EMFILE;
        }

        var slot = _lowestFree;
        while (_used[slot])
        {
            slot++;
        }

        var file = _slots[slot] ??= new OpenFile();
        file.Reset(node, flags);
        _used[slot] = true;
        OpenCount++;
        _lowestFree = slot + 1;
        fd = slot;
        return Errno.OK;
    }

    /// <summary>Closes <paramref name="fd"/>; EBADF when it is not open.</summary>
    public Errno Close(ulong fd)
    {
        if (!TryGet(fd, out var file))
        {
            return Errno.EBADF;
        }

        var node = file!.Node;
        file.Clear();
        _used[fd] = false;
        OpenCount--;
        _lowestFree = Math.Min(_lowestFree, (int)fd);
        node.Release();
        return Errno.OK;
    }

    /// <summary>Closes every open descriptor (teardown).</summary>
    public void CloseAll()
    {
        for (var fd = 0; fd < _slots.Length; fd++)
        {
            if (_used[fd])
            {
                Close((ulong)fd);
            }
        }
    }
}
