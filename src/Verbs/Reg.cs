using VerbRing.Registers;

namespace VerbRing.Verbs;

/// <summary>
/// A register name, r0–r6, or none. <c>default(Reg)</c> is <see cref="None"/>, so an argument or save left out
/// can never fall into PatchworkOS's <c>flags == 0</c> trap of meaning r0.
/// </summary>
public readonly record struct Reg
{
    private readonly byte _encoded; // 0 = none, n + 1 = rn

    private Reg(byte encoded) => _encoded = encoded;

    /// <summary>No register.</summary>
    public static Reg None => default;

    /// <summary>Register r0.</summary>
    public static Reg R0 => new(1);

    /// <summary>Register r1.</summary>
    public static Reg R1 => new(2);

    /// <summary>Register r2.</summary>
    public static Reg R2 => new(3);

    /// <summary>Register r3.</summary>
    public static Reg R3 => new(4);

    /// <summary>Register r4.</summary>
    public static Reg R4 => new(5);

    /// <summary>Register r5.</summary>
    public static Reg R5 => new(6);

    /// <summary>Register r6.</summary>
    public static Reg R6 => new(7);

    /// <summary>Whether this names a register.</summary>
    public bool IsNone => _encoded == 0;

    /// <summary>The register's index 0–6; throws for <see cref="None"/>.</summary>
    public int Index => IsNone ? throw new InvalidOperationException("Reg.None has no index.") : _encoded - 1;

    /// <summary>The 3-bit specifier: 0–6, or 7 for none.</summary>
    public byte Specifier => IsNone ? SqeFlags.RegNone : (byte)(_encoded - 1);

    /// <summary>Register <paramref name="index"/> (0–6).</summary>
    public static Reg At(int index) => (uint)index < RegisterFile.Count
        ? new Reg((byte)(index + 1))
        : throw new ArgumentOutOfRangeException(nameof(index), index, "Registers are r0–r6.");

    /// <summary>Loads only the low 32 bits (a pipe's read fd) — see <see cref="LoadModifier"/>.</summary>
    public Operand Low => Operand.Load(this, LoadModifier.Low32);

    /// <summary>Loads only the high 32 bits (a pipe's write fd) — see <see cref="LoadModifier"/>.</summary>
    public Operand High => Operand.Load(this, LoadModifier.High32);

    /// <summary>Decodes a specifier (7 is none).</summary>
    public static Reg FromSpecifier(int specifier) => specifier == SqeFlags.RegNone ? None : At(specifier);

    /// <inheritdoc />
    public override string ToString() => IsNone ? "none" : $"r{_encoded - 1}";
}
