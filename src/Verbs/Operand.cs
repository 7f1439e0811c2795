namespace VerbRing.Verbs;

/// <summary>
/// One SQE argument as the kernel sees it: an immediate value, or a register the kernel loads it from when the SQE is
/// dispatched. <see cref="Sqes"/> takes these; buffers convert to their address, integers, enums and registers
/// implicitly. (The builder's <see cref="Programs.BuilderOperand"/> may also name a buffer not yet laid out; the
/// linker turns both it and the assembler's operands into this.)
/// </summary>
public readonly record struct Operand
{
    private Operand(ulong value, Reg register)
    {
        Value = value;
        Register = register;
    }

    /// <summary>The immediate; with a <see cref="Register"/>, the <see cref="LoadModifier"/>.</summary>
    public ulong Value { get; }

    /// <summary>The register to load from at dispatch, or none.</summary>
    public Reg Register { get; }

    /// <summary>An immediate.</summary>
    public static Operand Immediate(ulong value) => new(value, Reg.None);

    /// <summary>A register load, whole or one half (the modifier travels in the immediate).</summary>
    public static Operand Load(Reg register, LoadModifier modifier = LoadModifier.Whole) =>
        register.IsNone ? throw new ArgumentException("Name a register to load from.", nameof(register)) : new((ulong)modifier, register);

    /// <summary>An immediate.</summary>
    public static implicit operator Operand(ulong value) => Immediate(value);

    /// <summary>An immediate.</summary>
    public static implicit operator Operand(uint value) => Immediate(value);

    /// <summary>A signed immediate, two's complement.</summary>
    public static implicit operator Operand(long value) => Immediate(unchecked((ulong)value));

    /// <summary>A signed immediate, two's complement.</summary>
    public static implicit operator Operand(int value) => Immediate(unchecked((ulong)(long)value));

    /// <summary>A register load.</summary>
    public static implicit operator Operand(Reg register) => Load(register);

    /// <summary>Open flags as an immediate.</summary>
    public static implicit operator Operand(OpenFlags flags) => Immediate((ulong)flags);

    /// <summary>Whence as an immediate.</summary>
    public static implicit operator Operand(Whence whence) => Immediate((ulong)whence);

    /// <summary>Poll events as an immediate.</summary>
    public static implicit operator Operand(PollEvents events) => Immediate((ulong)events);

    /// <summary>A buffer's address.</summary>
    public static implicit operator Operand(UserBuffer buffer) => Immediate(buffer.Address);

    /// <inheritdoc />
    public override string ToString() => Register.IsNone ? Value.ToString() : (LoadModifier)Value switch
    {
        LoadModifier.Low32 => $"{Register}.lo",
        LoadModifier.High32 => $"{Register}.hi",
        _ => Register.ToString(),
    };
}
