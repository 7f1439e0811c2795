using VerbRing.Registers;
using VerbRing.Verbs;

namespace VerbRing.Kernel.Tracing;

/// <summary>
/// Records every operation of one ring, in completion order, for traces and snapshot tests. It copies the bytes a
/// READ or WRITE moved at the moment the verb finished, before a later step can overwrite the buffer.
/// </summary>
public sealed class TraceRecorder : IRingObserver
{
    /// <summary>How many bytes of a READ or WRITE a trace keeps.</summary>
    public const int PreviewLength = 32;

    private readonly List<TraceEntry> _entries = [];
    private RingRegion? _region;

    /// <summary>Everything recorded so far.</summary>
    public IReadOnlyList<TraceEntry> Entries => _entries;

    /// <summary>Lets the recorder read user memory (for previews); call once the ring exists.</summary>
    public void Attach(IoRing ring)
    {
        ArgumentNullException.ThrowIfNull(ring);
        _region = ring.Region;
    }

    /// <summary>Forgets what was recorded.</summary>
    public void Clear() => _entries.Clear();

    /// <inheritdoc />
    public void OnCompleted(in TracedOperation operation)
    {
        var bytes = Array.Empty<byte>();
        if (_region is { } region && operation.Error == Errno.OK && operation.Op is (uint)Op.Read or (uint)Op.Write)
        {
            bytes = Preview(region, operation.Arg1, Math.Min(operation.Result, PreviewLength));
        }

        _entries.Add(new TraceEntry(operation, bytes));
    }

    /// <summary>Up to <paramref name="count"/> bytes of user memory at <paramref name="address"/>; empty when outside it.</summary>
    internal static byte[] Preview(RingRegion region, ulong address, ulong count)
    {
        var offset = address - RingLayout.UserBase;
        var size = (ulong)region.Layout.UserMemorySize;
        return address >= RingLayout.UserBase && offset <= size && count <= size - offset
            ? region.UserMemory.Slice((int)offset, (int)count).ToArray()
            : [];
    }
}
