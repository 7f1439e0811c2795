using VerbRing.Registers;

namespace VerbRing.Verbs.Programs;

/// <summary>
/// Lays a checked program out and encodes its SQEs, once. The layout is canonical — named symbols in declaration
/// order, then string literals in order of use, each 8-byte aligned and at its own address — so that text that
/// declares the same things in another order links to the same bytes.
/// </summary>
internal static class ProgramLinker
{
    private const uint Alignment = 8;

    /// <summary>Checks <paramref name="program"/> against <paramref name="capacity"/> and links it; throws on errors.</summary>
    public static LinkedProgram Link(ProgramModel program, RingCapacity capacity)
    {
        return TryLink(program, capacity, out var diagnostics) ?? throw new ProgramException(diagnostics);
    }

    /// <summary>
    /// Checks <paramref name="program"/> against <paramref name="capacity"/> once and links it; null when the verifier
    /// finds an error. <paramref name="diagnostics"/> holds every finding either way.
    /// </summary>
    public static LinkedProgram? TryLink(ProgramModel program, RingCapacity capacity, out List<Diagnostic> diagnostics)
    {
        ArgumentNullException.ThrowIfNull(program);
        diagnostics = Verifier.Check(program, capacity);
        return diagnostics.Any(d => d.Severity == Severity.Error) ? null : LinkUnchecked(program, diagnostics);
    }

    /// <summary>Links without the verifier (for tools that study programs the verifier would refuse).</summary>
    internal static LinkedProgram LinkUnchecked(ProgramModel program, IReadOnlyList<Diagnostic> diagnostics)
    {
        var symbols = Layout(program.Symbols);
        var image = new byte[ImageSize(program.Symbols)];
        foreach (var symbol in symbols.Where(s => s.Initial is not null))
        {
            symbol.Initial.CopyTo(image.AsSpan((int)symbol.Offset));
        }

        var byName = symbols.ToDictionary(s => s.Name);
        var sqes = new Sqe[program.Steps.Count];
        for (var i = 0; i < sqes.Length; i++)
        {
            sqes[i] = Encode(program.Steps[i], i, byName);
        }

        return new LinkedProgram(program, symbols, image, sqes, diagnostics);
    }

    /// <summary>The image size the symbols need, aligned.</summary>
    public static uint ImageSize(IEnumerable<SymbolDecl> symbols) =>
        (uint)Ordered(symbols).Sum(s => (long)AlignUp(s.Size));

    private static IEnumerable<SymbolDecl> Ordered(IEnumerable<SymbolDecl> symbols)
    {
        var list = symbols.ToList();
        return list.Where(s => !s.IsLiteral).Concat(list.Where(s => s.IsLiteral));
    }

    private static List<LinkedSymbol> Layout(IEnumerable<SymbolDecl> symbols)
    {
        var offset = 0u;
        var laid = new List<LinkedSymbol>();
        foreach (var symbol in Ordered(symbols))
        {
            laid.Add(new LinkedSymbol(symbol.Name, offset, symbol.Size, symbol.Initial, symbol.IsLiteral));
            offset += AlignUp(symbol.Size);
        }

        return laid;
    }

    // Every symbol, even an empty one, takes at least one aligned slot, so that no two symbols share an address
    // and an address names at most one symbol (the disassembler depends on it).
    private static uint AlignUp(uint size) => (Math.Max(size, 1) + Alignment - 1) & ~(Alignment - 1);

    private static Sqe Encode(ProgramStep step, int index, Dictionary<string, LinkedSymbol> symbols)
    {
        var link = step.Link switch
        {
            SqeLink.Link => SqeFlags.Link,
            SqeLink.HardLink => SqeFlags.HardLink,
            _ => 0u,
        } | (step.Skip ? SqeFlags.SkipSuccess : 0u) | (step.Drain ? SqeFlags.Drain : 0u);
        var args = step.Args;
        return new Sqe
        {
            Timeout = step.Timeout,
            Data = step.Tag ?? (ulong)index,
            Op = step.Verb.Op,
            Flags = SqeFlags.Compose(LoadOf(args[0]), LoadOf(args[1]), LoadOf(args[2]), LoadOf(args[3]), LoadOf(args[4]), step.Save.Specifier, link),
            Arg0 = ValueOf(args[0], symbols),
            Arg1 = ValueOf(args[1], symbols),
            Arg2 = ValueOf(args[2], symbols),
            Arg3 = ValueOf(args[3], symbols),
            Arg4 = ValueOf(args[4], symbols),
        };
    }

    private static byte LoadOf(UnlinkedOperand arg) => arg.Kind == OperandKind.Register ? arg.Register.Specifier : SqeFlags.RegNone;

    private static ulong ValueOf(UnlinkedOperand arg, Dictionary<string, LinkedSymbol> symbols) => arg.Kind switch
    {
        OperandKind.Immediate or OperandKind.Register => arg.Value, // a load's immediate is its modifier
        OperandKind.Address => RingLayout.UserBase + symbols[arg.Symbol!].Offset,
        OperandKind.Length => symbols[arg.Symbol!].Size,
        _ => 0,
    };
}
