using System.Text;
using VerbRing.Verbs.Programs;

namespace VerbRing.Tests.Programs;

/// <summary>
/// The lexer's token forms one by one — number spellings, string escapes, columns, the arrow — each pinned where the
/// mutation run (docs/mutation.md) found a change the assembler tests did not notice.
/// </summary>
public sealed class LexerTests
{
    private static (List<Token> Tokens, List<Diagnostic> Diagnostics) Tokenize(string line)
    {
        var tokens = new List<Token> { new(TokenKind.Comma, "stale", 99) };
        var diagnostics = new List<Diagnostic>();
        Lexer.Tokenize(line, tokens, (column, message) => new Diagnostic(Severity.Error, new SourceSpan("l.vr", 1, column), message), diagnostics);
        return (tokens, diagnostics);
    }

    private static List<Token> Clean(string line)
    {
        var (tokens, diagnostics) = Tokenize(line);
        diagnostics.ShouldBeEmpty();
        return tokens;
    }

    [Theory]
    [InlineData("0X1f", 31UL, false, "")]
    [InlineData("0x_F_f", 255UL, false, "")]
    [InlineData("1_000", 1000UL, false, "")]
    [InlineData("10ms", 10UL, false, "ms")]
    [InlineData("-5", 5UL, true, "")]
    [InlineData("-0x10", 16UL, true, "")]
    [InlineData("18446744073709551615", ulong.MaxValue, false, "")]
    public void Tokenize_Number_ValueSignAndSuffix(string text, ulong value, bool negative, string suffix)
    {
        var number = Clean(text)[0];
        number.ShouldBe(new Token(TokenKind.Number, text, 1, value, negative, suffix));
    }

    [Theory]
    [InlineData("0x", 1, "0x")]
    [InlineData("x, 0xg", 4, "0xg")]
    [InlineData("18446744073709551616", 1, "18446744073709551616")]
    public void Tokenize_NotANumber_IsOneErrorAtItsColumnQuotingIt(string text, int column, string quoted)
    {
        var (_, diagnostics) = Tokenize(text);
        var error = diagnostics.ShouldHaveSingleItem();
        error.Where.Column.ShouldBe(column);
        error.Message.ShouldBe($"'{quoted}' is not a number (decimal or 0x hex, at most 64 bits)");
    }

    [Fact]
    public void Tokenize_EveryKind_HasItsTextAndColumn()
    {
        var tokens = Clean("  ab_1.lo ,x|(y)->z -1 \"s\"  # c");
        tokens.Select(t => (t.Kind, t.Text, t.Column)).ShouldBe(
        [
            (TokenKind.Identifier, "ab_1.lo", 3),
            (TokenKind.Comma, ",", 11),
            (TokenKind.Identifier, "x", 12),
            (TokenKind.Pipe, "|", 13),
            (TokenKind.LeftParen, "(", 14),
            (TokenKind.Identifier, "y", 15),
            (TokenKind.RightParen, ")", 16),
            (TokenKind.Arrow, "->", 17),
            (TokenKind.Identifier, "z", 19),
            (TokenKind.Number, "-1", 21),
            (TokenKind.String, "\"s\"", 24),
            (TokenKind.End, "", 32),
        ]);
    }

    [Fact]
    public void Tokenize_EmptyLine_IsJustTheEnd() =>
        Clean("").ShouldHaveSingleItem().ShouldBe(new Token(TokenKind.End, "", 1));

    [Theory]
    [InlineData("- 1", 1, "unexpected character '-'")]
    [InlineData("a -", 3, "unexpected character '-'")]
    [InlineData("a;b", 2, "unexpected character ';'")]
    public void Tokenize_StrayCharacter_IsAnErrorAtItsColumn(string text, int column, string message)
    {
        var (_, diagnostics) = Tokenize(text);
        var error = diagnostics.ShouldHaveSingleItem();
        error.Where.Column.ShouldBe(column);
        error.Message.ShouldBe(message);
    }

    [Theory]
    [InlineData("\"\\r\\n\\t\\0\"", new byte[] { 13, 10, 9, 0 })]
    [InlineData("\"\\x4a\\x4B\"", new byte[] { 0x4A, 0x4B })]
    [InlineData("\"\\\\\\\"\"", new byte[] { (byte)'\\', (byte)'"' })]
    [InlineData("\"\"", new byte[0])]
    public void Tokenize_StringEscapes_DecodeToBytes(string text, byte[] bytes)
    {
        var token = Clean(text)[0];
        token.Kind.ShouldBe(TokenKind.String);
        token.Text.ShouldBe(text);
        token.Bytes.ShouldBe(bytes);
    }

    [Fact]
    public void Tokenize_NonAsciiString_IsUtf8IncludingSurrogatePairs()
    {
        var tokens = Clean("\"é€😀\" x");
        tokens[0].Bytes.ShouldBe(Encoding.UTF8.GetBytes("é€😀"));
        tokens[1].Column.ShouldBe(8, "the column after the string counts UTF-16 units, the surrogate pair as two");
    }

    [Theory]
    [InlineData("\"abc", 1, "unterminated string")]
    [InlineData("\"\\x4\"", 2, "unknown escape '\\x'")]
    [InlineData("\"\\x4", 2, "unknown escape '\\x'")]
    [InlineData("\"\\q\"", 2, "unknown escape '\\q'")]
    [InlineData("x \"abc\\", 7, "unterminated string")]
    public void Tokenize_BadString_IsOneErrorAndStopsTheLine(string text, int column, string message)
    {
        var (tokens, diagnostics) = Tokenize(text);
        var error = diagnostics.ShouldHaveSingleItem();
        error.Where.Column.ShouldBe(column);
        error.Message.ShouldContain(message);
        tokens.ShouldNotContain(t => t.Kind == TokenKind.End);
    }
}
