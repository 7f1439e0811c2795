using System.Text;
using VerbRing.Verbs.Programs;

namespace VerbRing.Tooling.Fuzzing.Coverage;

/// <summary>
/// The coverage-guided fuzzer's first target: any bytes, as a <c>.vr</c> file, through the assembler, the verifier,
/// the linker and the disassembler. What must hold: nothing throws but the documented
/// <see cref="ProgramException"/> of the throwing forms (and that exactly when there is an error); every
/// diagnostic points inside the text; and a program that assembles round-trips — its disassembly assembles
/// without error to the same SQEs, image and initial registers, and what the verifier accepted it accepts again.
/// A broken invariant throws <see cref="CoverageFinding"/> (what SharpFuzz reports as a crash).
/// </summary>
internal static class AssemblerTarget
{
    private const string File = "fuzz.vr";

    /// <summary>The ring the programs are checked against: the assembler's default (64 SQEs, 64 KiB).</summary>
    private static readonly RingCapacity Capacity = new();

    /// <summary>Runs one input; returns whether it assembled (and so round-tripped), for the seed-corpus test.</summary>
    public static bool Run(ReadOnlySpan<byte> input)
    {
        var model = Assembler.Assemble(input, File, out var diagnostics);
        var text = Encoding.UTF8.GetString(input);
        CheckPositions(text, diagnostics);
        var failed = diagnostics.Any(d => d.Severity == Severity.Error);
        CheckThrowingForm(input, failed);
        if (failed)
        {
            return false;
        }

        var linked = LinkedProgram.TryLink(model, Capacity, out var checks);
        CheckPositions(text, checks);
        if (linked is null && ProgramLinker.ImageSize(model.Symbols) > Capacity.UserMemorySize)
        {
            return true; // refused, and too large to lay out: the linker only ever sees what fits
        }

        RoundTrip(linked ?? ProgramLinker.LinkUnchecked(model, checks), verified: linked is not null);
        return true;
    }

    /// <summary>The throwing form on the same text throws <see cref="ProgramException"/> exactly when there is an error.</summary>
    private static void CheckThrowingForm(ReadOnlySpan<byte> input, bool failed)
    {
        if (input.StartsWith(Encoding.UTF8.Preamble) || !System.Text.Unicode.Utf8.IsValid(input))
        {
            return; // where the byte form drops a byte-order mark or finds a bad byte, the text form sees other text
        }

        bool threw;
        try
        {
            _ = Assembler.Assemble(Encoding.UTF8.GetString(input), File);
            threw = false;
        }
        catch (ProgramException)
        {
            threw = true;
        }

        if (threw != failed)
        {
            throw new CoverageFinding($"Assemble(text) {(threw ? "threw" : "did not throw")}, but Assemble(bytes) found {(failed ? "an" : "no")} error");
        }
    }

    private static void CheckPositions(string text, List<Diagnostic> diagnostics)
    {
        var lines = text.Split('\n');
        foreach (var d in diagnostics)
        {
            var (line, column) = (d.Where.Line, d.Where.Column);
            if (d.Where.File != File || line < 1 || line > lines.Length || column < 1 || column > lines[line - 1].Length + 1)
            {
                throw new CoverageFinding($"a diagnostic points outside the text ({lines.Length} lines): {d}");
            }

            if (string.IsNullOrWhiteSpace(d.Message) || d.Message.Contains('\n', StringComparison.Ordinal))
            {
                throw new CoverageFinding($"a diagnostic's message is not one line: {d}");
            }
        }
    }

    private static void RoundTrip(LinkedProgram first, bool verified)
    {
        var text = Disassembler.Disassemble(first);
        var model = Assembler.Assemble(text, "disassembled.vr", out var diagnostics);
        if (diagnostics.FirstOrDefault(d => d.Severity == Severity.Error) is { } error)
        {
            throw new CoverageFinding($"the disassembly does not assemble: {error}\n--- disassembled\n{text}");
        }

        var again = LinkedProgram.TryLink(model, Capacity, out var checks);
        var second = again ?? ProgramLinker.LinkUnchecked(model, checks);
        var changed = verified && again is null ? $"the verifier's verdict (it refuses the disassembly: {string.Join("; ", checks.Where(d => d.Severity == Severity.Error))})"
            : !first.Sqes.SequenceEqual(second.Sqes) ? "the SQEs"
            : !first.Image.SequenceEqual(second.Image) ? "the image"
            : !first.Source.Sets.Select(s => (s.Register, s.Value)).SequenceEqual(second.Source.Sets.Select(s => (s.Register, s.Value))) ? "the initial registers"
            : null;
        if (changed is not null)
        {
            throw new CoverageFinding($"the round trip changed {changed}\n--- disassembled\n{text}");
        }
    }
}
