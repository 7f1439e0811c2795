using VerbRing.Registers;

namespace VerbRing.Kernel.Interpreter;

/// <summary>
/// The first step of an SQE's path, decode: the kernel's end of the SQ, which copies each SQE once out of shared
/// memory into the enter's staging array (what <see cref="ChainRunner.Run"/> reads; nothing reads the slot again).
/// It keeps its own head: shared <c>shead</c> is only ever written from it, never read back, so user space
/// scribbling on the control area cannot move the kernel's cursor.
/// </summary>
internal sealed unsafe class SubmissionReader
{
    private readonly RingDescriptor _ring;
    private uint _head;

    public SubmissionReader(RingDescriptor ring) => _ring = ring;

    /// <summary>
    /// SQEs queued by user space, or null when <c>stail − shead</c> exceeds the SQ: a corrupted tail that the
    /// kernel refuses (EINVAL) without touching anything.
    /// </summary>
    public uint? Queued()
    {
        // Volatile.Read: acquire, pairs with sqe_push's release so the SQE bytes before stail are visible.
        var queued = Volatile.Read(ref _ring.STail) - _head;
        return queued <= _ring.SqEntries ? queued : null;
    }

    /// <summary>
    /// Consumes the oldest <paramref name="into"/>.Length queued SQEs: copies each once out of shared memory (in at
    /// most two blocks, the SQ wraps), then frees their slots for user space. Nothing reads those slots again.
    /// </summary>
    public void Take(Span<Sqe> into)
    {
        var queue = new ReadOnlySpan<Sqe>(_ring.SqQueue, (int)_ring.SqEntries);
        var start = (int)(_head & _ring.SqMask);
        var first = Math.Min(into.Length, queue.Length - start);
        queue.Slice(start, first).CopyTo(into);
        queue[..(into.Length - first)].CopyTo(into[first..]);
        _head += (uint)into.Length;

        // Volatile.Write: release, so our copies of the slots are complete before user space may reuse them.
        Volatile.Write(ref _ring.SHead, _head);
    }
}
