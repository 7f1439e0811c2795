namespace VerbRing.Verbs;

/// <summary>A range of a ring's user memory: the address the kernel sees and the bytes user space fills.</summary>
public readonly unsafe struct UserBuffer
{
    private readonly byte* _pointer;

    internal UserBuffer(ulong address, uint length, byte* pointer)
    {
        Address = address;
        Length = length;
        _pointer = pointer;
    }

    /// <summary>The user-space address to put in an SQE.</summary>
    public ulong Address { get; }

    /// <summary>The size in bytes.</summary>
    public uint Length { get; }

    /// <summary>The bytes.</summary>
    public Span<byte> Span => new(_pointer, (int)Length);
}
