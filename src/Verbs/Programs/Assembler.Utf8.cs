using System.Text;
using System.Text.Unicode;

namespace VerbRing.Verbs.Programs;

/// <summary>
/// The assembler's entry for a program's bytes: strict UTF-8, so that an invalid byte, an encoded surrogate (CESU-8)
/// or a truncated sequence is an error at its file:line:column instead of a silent U+FFFD in a literal.
/// </summary>
public static partial class Assembler
{
    /// <summary>
    /// Decodes <paramref name="utf8"/> strictly (a leading byte-order mark is dropped) and assembles it; text that is
    /// not UTF-8 gives one error at the first bad byte and an empty program.
    /// </summary>
    public static ProgramModel Assemble(ReadOnlySpan<byte> utf8, string file, out List<Diagnostic> diagnostics)
    {
        if (utf8.StartsWith(Encoding.UTF8.Preamble))
        {
            utf8 = utf8[Encoding.UTF8.Preamble.Length..];
        }

        if (Utf8.IsValid(utf8))
        {
            return Assemble(Encoding.UTF8.GetString(utf8), file, out diagnostics); // one copy: the text itself
        }

        // Only on the error path: decode up to the first invalid sequence to find its line and column.
        var chars = new char[utf8.Length]; // UTF-8 never takes fewer bytes than UTF-16 takes chars
        _ = Utf8.ToUtf16(utf8, chars, out var read, out var written, replaceInvalidSequences: false);

        // `read` is where the first invalid sequence starts; line and column count the text decoded before it.
        var decoded = chars.AsSpan(0, written);
        var line = decoded.Count('\n') + 1;
        var column = written - (decoded.LastIndexOf('\n') + 1) + 1;
        diagnostics = [new Diagnostic(Severity.Error, new SourceSpan(file, line, column), InvalidUtf8(utf8, read))];
        return new ProgramModel { File = file };
    }

    private static string InvalidUtf8(ReadOnlySpan<byte> utf8, int at)
    {
        _ = Rune.DecodeFromUtf8(utf8[at..], out _, out var length); // the length of the invalid sequence
        var bad = utf8.Slice(at, length);
        var bytes = string.Join(" ", bad.ToArray().Select(b => $"0x{b:X2}"));
        var what = utf8[at..] is [0xED, >= 0xA0 and <= 0xBF, ..]
            ? "a UTF-16 surrogate encoded as UTF-8 (CESU-8)"
            : "invalid UTF-8";
        return $"{what} at byte {at} ({bytes}): a program is UTF-8 text; write other bytes in a string as \\xNN";
    }
}
