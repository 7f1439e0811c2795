using VerbRing.Registers;
using VerbRing.Verbs;

namespace VerbRing.Kernel.Interpreter;

/// <summary>
/// The kernel's only way into user memory: every <c>[address, address + count)</c> is checked against the ring's
/// user memory before a span over it exists, so no verb can touch a byte outside the region.
/// </summary>
internal readonly unsafe struct UserMemoryAccess
{
    private readonly byte* _start;
    private readonly ulong _size;

    public UserMemoryAccess(RingRegion region)
    {
        _start = region.Pointer + region.Layout.UserMemoryOffset;
        _size = region.Layout.UserMemorySize;
    }

    /// <summary>The bytes at a user address, or EFAULT/EINVAL.</summary>
    public Errno TryGet(ulong address, ulong count, out Span<byte> bytes)
    {
        bytes = default;
        if (count > int.MaxValue)
        {
            return Errno.EINVAL;
        }

        // Subtract before comparing, so that address + count can never overflow: offset ≤ size and count ≤ size − offset.
        var offset = address - RingLayout.UserBase;
        if (address < RingLayout.UserBase || offset > _size || count > _size - offset)
        {
            return Errno.EFAULT;
        }

        // Unsafe pointer arithmetic: offset + count ≤ size was proven just above.
        bytes = new Span<byte>(_start + offset, (int)count);
        return Errno.OK;
    }
}
