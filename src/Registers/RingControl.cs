using System.Runtime.InteropServices;

namespace VerbRing.Registers;

/// <summary>
/// The 192-byte control area at the start of the region, byte-exact with PatchworkOS <c>ioring_ctrl_t</c>.
/// Padded by owner: the kernel's cursors share one cache line, user space's another, the registers a third.
/// Fields are accessed through pointers with explicit acquire/release, never through this struct by value.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = Size)]
internal struct RingControl
{
    /// <summary>The size of the control area in bytes.</summary>
    public const int Size = 192;

    /// <summary>Offset of the SQ head (kernel writes).</summary>
    public const int SHeadOffset = 0;

    /// <summary>Offset of the CQ tail (kernel writes).</summary>
    public const int CTailOffset = 4;

    /// <summary>Offset of the SQ tail (user writes).</summary>
    public const int STailOffset = 64;

    /// <summary>Offset of the CQ head (user writes).</summary>
    public const int CHeadOffset = 68;

    /// <summary>Offset of <c>regs[0]</c>.</summary>
    public const int RegsOffset = 128;

    /// <summary>Offset of the 8 reserved bytes after the registers.</summary>
    public const int ReservedOffset = 184;

    /// <summary>SQ head: index of the next SQE the kernel will consume.</summary>
    [FieldOffset(SHeadOffset)] public uint SHead;

    /// <summary>CQ tail: index one past the last CQE the kernel published.</summary>
    [FieldOffset(CTailOffset)] public uint CTail;

    /// <summary>SQ tail: index one past the last SQE user space pushed.</summary>
    [FieldOffset(STailOffset)] public uint STail;

    /// <summary>CQ head: index of the next CQE user space will pop.</summary>
    [FieldOffset(CHeadOffset)] public uint CHead;

    /// <summary>The seven shared registers, <c>regs[0..6]</c>.</summary>
    [FieldOffset(RegsOffset)] public RegisterBlock Regs;

    /// <summary>Reserved; zero.</summary>
    [FieldOffset(ReservedOffset)] public ulong Reserved;
}

/// <summary>The seven 64-bit registers as they lie in the control area.</summary>
[System.Runtime.CompilerServices.InlineArray(RegisterFile.Count)]
internal struct RegisterBlock
{
    private ulong _element0;
}
