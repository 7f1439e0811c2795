using VerbRing.Registers;

namespace VerbRing.Verbs.Programs;

/// <summary>
/// A checked, laid-out program: its image (the initial bytes of every buffer and data) and its SQEs, encoded once
/// as if the image sat at the start of user memory. Load it into a ring to run it, as often as you like.
/// </summary>
public sealed class LinkedProgram
{
    private readonly byte[] _image;
    private readonly Sqe[] _sqes;
    private readonly Dictionary<uint, LinkedSymbol> _byOffset;
    private IReadOnlyDictionary<ulong, IReadOnlyList<int>>? _stepsByTag;

    internal LinkedProgram(ProgramModel source, IReadOnlyList<LinkedSymbol> symbols, byte[] image, Sqe[] sqes, IReadOnlyList<Diagnostic> warnings)
    {
        Source = source;
        Symbols = symbols;
        _byOffset = symbols.DistinctBy(s => s.Offset).ToDictionary(s => s.Offset);
        _image = image;
        _sqes = sqes;
        Warnings = warnings;
        Chains = Verifier.Chains(source.Steps);
        Tags = TagIndex.Of(sqes.Length, step => sqes[step].Data);
    }

    /// <summary>The program as written.</summary>
    internal ProgramModel Source { get; }

    /// <summary>Every buffer and data, where it lies in the image.</summary>
    internal IReadOnlyList<LinkedSymbol> Symbols { get; }

    /// <summary>The verifier's warnings (errors would have stopped the link).</summary>
    public IReadOnlyList<Diagnostic> Warnings { get; }

    /// <summary>The chains, as step index ranges.</summary>
    public IReadOnlyList<(int Start, int Count)> Chains { get; }

    /// <summary>The steps each data tag belongs to, in submission order (tags are unique unless the program shares them).</summary>
    public IReadOnlyDictionary<ulong, IReadOnlyList<int>> StepsByTag =>
        _stepsByTag ??= Enumerable.Range(0, Tags.Count).Select(Tags.At).GroupBy(e => e.Tag)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<int>)[.. g.Select(e => e.Step)]);

    /// <summary>Every step's tag, sorted, for lookups that cost no dictionary per tag.</summary>
    internal TagIndex Tags { get; }

    /// <summary>Whether <paramref name="tag"/> belongs to a step of this program.</summary>
    public bool HasTag(ulong tag) => Tags.First(tag) >= 0;

    /// <summary>A fresh matcher of completions to steps.</summary>
    internal StepMatcher NewMatcher() => new(this);

    /// <summary>The SQEs as encoded for an image at the start of user memory.</summary>
    public ReadOnlySpan<Sqe> Sqes => _sqes;

    /// <summary>The image's initial bytes.</summary>
    public ReadOnlySpan<byte> Image => _image;

    /// <summary>Checks <paramref name="program"/> against <paramref name="capacity"/> and links it; throws <see cref="ProgramException"/> on errors.</summary>
    public static LinkedProgram Link(ProgramModel program, RingCapacity capacity) => ProgramLinker.Link(program, capacity);

    /// <summary>
    /// Checks <paramref name="program"/> against <paramref name="capacity"/> once and links it; null when the verifier
    /// finds an error. <paramref name="diagnostics"/> holds every finding either way.
    /// </summary>
    public static LinkedProgram? TryLink(ProgramModel program, RingCapacity capacity, out List<Diagnostic> diagnostics) =>
        ProgramLinker.TryLink(program, capacity, out diagnostics);

    /// <summary>Assembles, checks and links <c>.vr</c> text; throws <see cref="ProgramException"/> on any error.</summary>
    public static LinkedProgram FromText(string text, string file, RingCapacity capacity)
    {
        var model = Assembler.Assemble(text, file, out var diagnostics);
        if (diagnostics.Any(d => d.Severity == Severity.Error))
        {
            throw new ProgramException(diagnostics);
        }

        return ProgramLinker.Link(model, capacity);
    }

    /// <summary>The symbol at image offset <paramref name="offset"/>, if one starts there.</summary>
    internal LinkedSymbol? SymbolAt(uint offset) => _byOffset.GetValueOrDefault(offset);

    /// <summary>Reserves the image in <paramref name="ring"/>'s user memory and relocates the SQEs to it, once.</summary>
    public LoadedProgram LoadInto(IoRing ring)
    {
        ArgumentNullException.ThrowIfNull(ring);
        // An empty image takes no memory (alignment 1 cannot fail): a program of no buffers runs on --memory 0.
        var image = ring.Memory.Reserve((uint)_image.Length, _image.Length == 0 ? 1u : 64u);
        var delta = image.Address - RingLayout.UserBase;
        var relocated = new Sqe[_sqes.Length];
        for (var i = 0; i < _sqes.Length; i++)
        {
            relocated[i] = _sqes[i];
            foreach (var (arg, value) in Source.Steps[i].Args.Index())
            {
                if (value.Kind == OperandKind.Address)
                {
                    Relocate(ref relocated[i], arg, delta);
                }
            }
        }

        return new LoadedProgram(this, ring, image, relocated);
    }

    private static void Relocate(ref Sqe sqe, int arg, ulong delta)
    {
        switch (arg)
        {
            case 0: sqe.Arg0 += delta; break;
            case 1: sqe.Arg1 += delta; break;
            case 2: sqe.Arg2 += delta; break;
            case 3: sqe.Arg3 += delta; break;
            default: sqe.Arg4 += delta; break;
        }
    }
}
