using VerbRing.Registers;

namespace VerbRing.Verbs;

/// <summary>
/// A range of a ring's user memory: the address the kernel sees and the bytes user space fills. <see cref="Span"/>
/// throws <see cref="ObjectDisposedException"/> once the ring is disposed; a span taken before that must not be
/// used after it (it points into freed memory, and a span cannot be revoked).
/// </summary>
public readonly unsafe struct UserBuffer
{
    private readonly byte* _pointer;
    private readonly RegionGuard? _guard; // null only in default(UserBuffer), whose span is empty

    internal UserBuffer(ulong address, uint length, byte* pointer, RegionGuard guard)
    {
        Address = address;
        Length = length;
        _pointer = pointer;
        _guard = guard;
    }

    /// <summary>The user-space address to put in an SQE.</summary>
    public ulong Address { get; }

    /// <summary>The size in bytes.</summary>
    public uint Length { get; }

    /// <summary>The bytes, valid until the ring is disposed.</summary>
    /// <exception cref="ObjectDisposedException">The ring was disposed.</exception>
    public Span<byte> Span
    {
        get
        {
            _guard?.ThrowIfClosed(UserMemory.What);

            // Unsafe: inside the region's user memory (UserMemory.Reserve), which lives until the guard closes.
            return new(_pointer, (int)Length);
        }
    }
}
