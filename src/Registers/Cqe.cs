using System.Runtime.InteropServices;

namespace VerbRing.Registers;

/// <summary>
/// A completion queue entry: 32 bytes, byte-exact with PatchworkOS <c>cqe_t</c>. The kernel writes one for every
/// SQE it consumed — success, failure, cancellation alike — and user space pops it.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = Size)]
public struct Cqe
{
    /// <summary>The size of a CQE in bytes.</summary>
    public const int Size = 32;

    /// <summary>The op code of the SQE this completes.</summary>
    [FieldOffset(0)] public uint Op;

    /// <summary>0 on success, else a Linux errno value.</summary>
    [FieldOffset(4)] public int Error;

    /// <summary>The SQE's data cookie.</summary>
    [FieldOffset(8)] public ulong Data;

    /// <summary>The verb's result; <see cref="ulong.MaxValue"/> when <see cref="Error"/> is not 0.</summary>
    [FieldOffset(16)] public ulong Result;

    /// <summary>Reserved; always 0.</summary>
    [FieldOffset(24)] public ulong Reserved;

    /// <summary>Whether the verb succeeded.</summary>
    public readonly bool Succeeded => Error == 0;
}
