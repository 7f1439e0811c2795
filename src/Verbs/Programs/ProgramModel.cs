namespace VerbRing.Verbs.Programs;

/// <summary>
/// A linked program before it is laid out: symbols (buffers and data), initial registers and steps. Both the C#
/// builder and the <c>.vr</c> assembler produce one; the verifier checks it and the linker encodes it. Opaque outside
/// this library: a consumer passes it from <see cref="Assembler"/> or <see cref="ProgramBuilder"/> to
/// <see cref="Verifier"/> and <see cref="LinkedProgram.Link"/>.
/// </summary>
public sealed class ProgramModel
{
    internal ProgramModel()
    {
    }

    /// <summary>The file the program came from (or "builder").</summary>
    public required string File { get; init; }

    /// <summary>Buffers and data, in declaration order, indexed by name.</summary>
    internal SymbolTable Symbols { get; } = [];

    /// <summary>Registers set before the program runs.</summary>
    internal List<RegisterInit> Sets { get; } = [];

    /// <summary>The steps, in submission order.</summary>
    internal List<ProgramStep> Steps { get; } = [];

    /// <summary>The symbol named <paramref name="name"/>, or null.</summary>
    internal SymbolDecl? FindSymbol(string name) => Symbols.Find(name);
}

/// <summary>A named range of user memory: a zeroed buffer, or data with initial bytes.</summary>
/// <param name="Name">The name steps use.</param>
/// <param name="Size">Its size in bytes.</param>
/// <param name="Initial">The initial bytes for data; null for a zeroed buffer.</param>
/// <param name="Where">Where it was declared.</param>
/// <param name="IsLiteral">Whether the assembler made it for a string literal argument (it has no name in the source).</param>
internal sealed record SymbolDecl(string Name, uint Size, byte[]? Initial, SourceSpan Where, bool IsLiteral = false)
{
    /// <summary>Whether it is <c>data</c> (initialised) rather than a <c>buffer</c>.</summary>
    public bool IsData => Initial is not null;
}

/// <summary>A <c>set rN VALUE</c>: a register's value before the program runs.</summary>
internal sealed record RegisterInit(Reg Register, ulong Value, SourceSpan Where);

/// <summary>What an operand is before linking (<see cref="UnlinkedOperand"/>, <see cref="BuilderOperand"/>).</summary>
internal enum OperandKind
{
    /// <summary>A number (constants already resolved).</summary>
    Immediate,

    /// <summary>Loaded from a register at dispatch.</summary>
    Register,

    /// <summary>The address of a symbol.</summary>
    Address,

    /// <summary>The size of a symbol (<c>len(NAME)</c>).</summary>
    Length,
}

/// <summary>
/// One argument of a <see cref="ProgramStep"/> before linking, with where it was written: what the assembler parses
/// and the builder's <see cref="BuilderOperand"/>s become. A symbol is still a name; the linker resolves it and encodes
/// the result as an <see cref="Operand"/>. For a register load, <c>Value</c> is the load modifier.
/// </summary>
internal sealed record UnlinkedOperand(OperandKind Kind, ulong Value, Reg Register, string? Symbol, SourceSpan Where)
{
    /// <summary>A number.</summary>
    public static UnlinkedOperand Immediate(ulong value, SourceSpan where) => new(OperandKind.Immediate, value, Reg.None, null, where);

    /// <summary>A register load; <paramref name="modifier"/> picks the whole value or one 32-bit half.</summary>
    public static UnlinkedOperand Load(Reg register, SourceSpan where, LoadModifier modifier = LoadModifier.Whole) =>
        new(OperandKind.Register, (ulong)modifier, register, null, where);

    /// <summary>A symbol's address.</summary>
    public static UnlinkedOperand AddressOf(string symbol, SourceSpan where) => new(OperandKind.Address, 0, Reg.None, symbol, where);

    /// <summary>A symbol's size.</summary>
    public static UnlinkedOperand LengthOf(string symbol, SourceSpan where) => new(OperandKind.Length, 0, Reg.None, symbol, where);
}

/// <summary>
/// One step: a verb (or a raw op), its five SQE arguments, the save register, the link, timeout and tag.
/// <see cref="Args"/> is indexed by SQE argument (0–4), defaults already filled in.
/// </summary>
internal sealed record ProgramStep
{
    /// <summary>The verb; for a raw <c>op N</c> step, a catalogue entry with five Value parameters.</summary>
    public required VerbInfo Verb { get; init; }

    /// <summary>The five SQE arguments.</summary>
    public required UnlinkedOperand[] Args { get; init; }

    /// <summary>Where the result is saved, or none.</summary>
    public Reg Save { get; init; }

    /// <summary>How the step links to the next one.</summary>
    public SqeLink Link { get; init; }

    /// <summary>SKIP_SUCCESS: a success posts no CQE.</summary>
    public bool Skip { get; init; }

    /// <summary>DRAIN: the chain this step heads starts only after every earlier step completed.</summary>
    public bool Drain { get; init; }

    /// <summary>The SQE's timeout in nanoseconds (0: none; UINT64_MAX: never).</summary>
    public ulong Timeout { get; init; }

    /// <summary>The SQE's data cookie; null means the step's 0-based index.</summary>
    public ulong? Tag { get; init; }

    /// <summary>Whether the step was written as a raw <c>op N</c>.</summary>
    public bool IsRaw { get; init; }

    /// <summary>Whether the step is a LOOP (named or raw <c>op 10</c>: the kernel runs both as one).</summary>
    public bool IsLoop => Verb.Op == (uint)Op.Loop;

    /// <summary>Where the step is.</summary>
    public required SourceSpan Where { get; init; }
}
