using System.Runtime.InteropServices;

namespace VerbRing.Registers;

/// <summary>
/// A submission queue entry: 64 bytes, byte-exact with PatchworkOS <c>sqe_t</c> (sys/ioring.h at 19e446b).
/// User space fills it and pushes it into the SQ; the kernel copies it out once and never reads the slot again.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = Size)]
public struct Sqe
{
    /// <summary>The size of an SQE in bytes.</summary>
    public const int Size = 64;

    /// <summary>Relative timeout in nanoseconds; 0 and <see cref="ulong.MaxValue"/> both mean none.</summary>
    [FieldOffset(0)] public ulong Timeout;

    /// <summary>User cookie, echoed in the CQE and matched by CANCEL.</summary>
    [FieldOffset(8)] public ulong Data;

    /// <summary>The verb's op code.</summary>
    [FieldOffset(16)] public uint Op;

    /// <summary>Six 3-bit register specifiers and the link bits; see <see cref="SqeFlags"/>.</summary>
    [FieldOffset(20)] public uint Flags;

    /// <summary>First argument: the noun (usually a file descriptor).</summary>
    [FieldOffset(24)] public ulong Arg0;

    /// <summary>Second argument: the payload (a buffer address, poll events, a path address).</summary>
    [FieldOffset(32)] public ulong Arg1;

    /// <summary>Third argument: the magnitude (a byte count, a path length).</summary>
    [FieldOffset(40)] public ulong Arg2;

    /// <summary>Fourth argument: the location (an offset).</summary>
    [FieldOffset(48)] public ulong Arg3;

    /// <summary>Fifth argument: auxiliary (whence).</summary>
    [FieldOffset(56)] public ulong Arg4;

    /// <summary>The argument at <paramref name="index"/> (0–4).</summary>
    public readonly ulong Arg(int index) => index switch
    {
        0 => Arg0,
        1 => Arg1,
        2 => Arg2,
        3 => Arg3,
        4 => Arg4,
        _ => ThrowHelper.ThrowArgumentIndexOutOfRange(index),
    };
}
