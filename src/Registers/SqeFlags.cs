namespace VerbRing.Registers;

/// <summary>
/// The SQE flags word: five 3-bit load specifiers (arg0..arg4, bits 0–14), one save specifier (bits 15–17),
/// LINK (bit 18), HARDLINK (bit 19) and VerbRing's two extensions, SKIP_SUCCESS (bit 20) and DRAIN (bit 21). Bits
/// 22–31 are reserved. A specifier 0–6 names a register, 7 means none.
/// Beware PatchworkOS's trap: <c>flags == 0</c> loads every argument from r0 and saves into r0;
/// <see cref="None"/> is the "no registers, no link" value.
/// </summary>
public static class SqeFlags
{
    /// <summary>Bits per specifier.</summary>
    public const int RegShift = 3;

    /// <summary>Mask of one specifier.</summary>
    public const uint RegMask = 7;

    /// <summary>The specifier that names no register.</summary>
    public const byte RegNone = 7;

    /// <summary>Bit position of the save specifier.</summary>
    public const int SaveShift = 15;

    /// <summary>Run the successor only if this SQE succeeds.</summary>
    public const uint Link = 1u << 18;

    /// <summary>Run the successor whatever this SQE's outcome.</summary>
    public const uint HardLink = 1u << 19;

    /// <summary>VerbRing's extension: a success posts no CQE (a failure still does), as io_uring's <c>IOSQE_CQE_SKIP_SUCCESS</c>.</summary>
    public const uint SkipSuccess = 1u << 20;

    /// <summary>VerbRing's extension: the chain this SQE heads starts only after every SQE consumed before it has completed.</summary>
    public const uint Drain = 1u << 21;

    /// <summary>Bits 22–31: an SQE with any of them set completes with EINVAL.</summary>
    public const uint ReservedMask = 0xFFC0_0000;

    /// <summary>Every specifier 7 (none) and no link: an SQE that touches no register.</summary>
    public const uint None = 0x3FFFF;

    /// <summary>The five load specifiers all none: an SQE whose flags have these bits set loads no register.</summary>
    public const uint AllLoadsMask = 0x7FFF;

    /// <summary>Bit position of the load specifier for argument <paramref name="arg"/> (0–4).</summary>
    public static int LoadShift(int arg) => arg * RegShift;

    /// <summary>The load specifier for argument <paramref name="arg"/>.</summary>
    public static int LoadOf(uint flags, int arg) => (int)((flags >> LoadShift(arg)) & RegMask);

    /// <summary>The save specifier.</summary>
    public static int SaveOf(uint flags) => (int)((flags >> SaveShift) & RegMask);

    /// <summary>Whether the SQE links to its successor (LINK or HARDLINK).</summary>
    public static bool IsLinked(uint flags) => (flags & (Link | HardLink)) != 0;

    /// <summary>Whether a success posts no CQE.</summary>
    public static bool SkipsSuccess(uint flags) => (flags & SkipSuccess) != 0;

    /// <summary>Whether the SQE asks to wait for every SQE consumed before it.</summary>
    public static bool Drains(uint flags) => (flags & Drain) != 0;

    /// <summary>
    /// Packs specifiers into a flags word. Each specifier is 0–6 or <see cref="RegNone"/>; <paramref name="link"/> may
    /// combine <see cref="Link"/>, <see cref="HardLink"/>, <see cref="SkipSuccess"/> and <see cref="Drain"/>.
    /// </summary>
    public static uint Compose(
        byte load0 = RegNone, byte load1 = RegNone, byte load2 = RegNone, byte load3 = RegNone, byte load4 = RegNone,
        byte save = RegNone, uint link = 0)
    {
        if ((link & ~(Link | HardLink | SkipSuccess | Drain)) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(link), "Only Link, HardLink, SkipSuccess and Drain may be combined here.");
        }

        return Spec(load0, 0) | Spec(load1, 1) | Spec(load2, 2) | Spec(load3, 3) | Spec(load4, 4)
            | (Check(save) << SaveShift) | link;
    }

    private static uint Spec(byte register, int arg) => Check(register) << LoadShift(arg);

    private static uint Check(byte register) => register <= RegNone
        ? register
        : ThrowHelper.ThrowSpecifierOutOfRange(register);
}
