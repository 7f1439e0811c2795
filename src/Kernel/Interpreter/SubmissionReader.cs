using VerbRing.Registers;

namespace VerbRing.Kernel;

/// <summary>
/// The kernel's end of the SQ. It keeps its own head: shared <c>shead</c> is only ever written from it, never
/// read back, so user space scribbling on the control area cannot move the kernel's cursor.
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

    /// <summary>Copies the <paramref name="index"/>-th queued SQE (0 = oldest) out of shared memory.</summary>
    public void CopyOut(uint index, out Sqe sqe) => sqe = _ring.SqQueue[(_head + index) & _ring.SqMask];

    /// <summary>Frees <paramref name="count"/> consumed slots for user space.</summary>
    public void Advance(uint count)
    {
        _head += count;

        // Volatile.Write: release, so our copies of the slots are complete before user space may reuse them.
        Volatile.Write(ref _ring.SHead, _head);
    }
}
