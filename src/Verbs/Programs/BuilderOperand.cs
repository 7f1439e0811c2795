namespace VerbRing.Verbs.Programs;

/// <summary>
/// An argument of a <see cref="ProgramBuilder"/> step: an immediate, a register loaded at dispatch, a buffer's address,
/// a buffer's length, or a string the builder places in user memory. Integers, enums, registers, <see cref="Operand"/>s,
/// buffers and strings convert implicitly. Unlike an <see cref="Operand"/> it may name a buffer whose address the
/// linker has yet to choose.
/// </summary>
public readonly record struct BuilderOperand
{
    private BuilderOperand(OperandKind kind, ulong value, Reg register, BufferRef? buffer, string? text)
    {
        Kind = kind;
        Value = value;
        Register = register;
        Buffer = buffer;
        Text = text;
    }

    internal OperandKind Kind { get; }

    internal ulong Value { get; }

    internal Reg Register { get; }

    internal BufferRef? Buffer { get; }

    internal string? Text { get; }

    /// <summary>An immediate.</summary>
    public static BuilderOperand Immediate(ulong value) => new(OperandKind.Immediate, value, Reg.None, null, null);

    /// <summary>The length of <paramref name="buffer"/> (like <c>len(NAME)</c>).</summary>
    public static BuilderOperand LengthOf(BufferRef buffer) => new(OperandKind.Length, 0, Reg.None, buffer, null);

    /// <summary>An immediate.</summary>
    public static implicit operator BuilderOperand(ulong value) => Immediate(value);

    /// <summary>An immediate.</summary>
    public static implicit operator BuilderOperand(uint value) => Immediate(value);

    /// <summary>A signed immediate, two's complement.</summary>
    public static implicit operator BuilderOperand(long value) => Immediate(unchecked((ulong)value));

    /// <summary>A signed immediate, two's complement.</summary>
    public static implicit operator BuilderOperand(int value) => Immediate(unchecked((ulong)(long)value));

    /// <summary>A register load.</summary>
    public static implicit operator BuilderOperand(Reg register) => new(OperandKind.Register, 0, register, null, null);

    /// <summary>An operand: an immediate, or a register load with its modifier (<c>Reg.R0.Low</c>, <c>Reg.R0.High</c>).</summary>
    public static implicit operator BuilderOperand(Operand operand) => operand.Register.IsNone
        ? Immediate(operand.Value)
        : new(OperandKind.Register, operand.Value, operand.Register, null, null);

    /// <summary>A buffer's address.</summary>
    public static implicit operator BuilderOperand(BufferRef buffer) => new(OperandKind.Address, 0, Reg.None, buffer, null);

    /// <summary>A string the builder places in user memory (its address; for a path, address and length).</summary>
    public static implicit operator BuilderOperand(string text) => new(OperandKind.Address, 0, Reg.None, null, text);

    /// <summary>Open flags.</summary>
    public static implicit operator BuilderOperand(OpenFlags flags) => Immediate((ulong)flags);

    /// <summary>Whence.</summary>
    public static implicit operator BuilderOperand(Whence whence) => Immediate((ulong)whence);

    /// <summary>Poll events.</summary>
    public static implicit operator BuilderOperand(PollEvents events) => Immediate((ulong)events);

    /// <summary>A cancel mode.</summary>
    public static implicit operator BuilderOperand(CancelMode mode) => Immediate((ulong)mode);
}

/// <summary>A buffer or data declared in a <see cref="ProgramBuilder"/>.</summary>
/// <param name="Name">Its name.</param>
/// <param name="Size">Its size in bytes.</param>
public sealed record BufferRef(string Name, uint Size)
{
    /// <summary>Its length as an argument.</summary>
    public BuilderOperand Length => BuilderOperand.LengthOf(this);
}
