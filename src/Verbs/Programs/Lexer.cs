using System.Buffers;
using System.Globalization;
using System.Text;

namespace VerbRing.Verbs.Programs;

/// <summary>
/// Splits one line of a <c>.vr</c> program into tokens. <c>#</c> starts a comment outside strings. Strings are
/// UTF-8 with the C escapes <c>\n \t \r \0 \\ \" \xNN</c>.
/// </summary>
internal static class Lexer
{
    /// <summary>Replaces the contents of <paramref name="tokens"/> with the tokens of <paramref name="line"/>.</summary>
    public static void Tokenize(string line, List<Token> tokens, Func<int, string, Diagnostic> error, List<Diagnostic> diagnostics)
    {
        tokens.Clear();
        var i = 0;
        while (i < line.Length)
        {
            var c = line[i];
            var column = i + 1;
            if (char.IsWhiteSpace(c))
            {
                i++;
            }
            else if (c == '#')
            {
                break;
            }
            else if (c == ',')
            {
                tokens.Add(new Token(TokenKind.Comma, ",", column));
                i++;
            }
            else if (c == '|')
            {
                tokens.Add(new Token(TokenKind.Pipe, "|", column));
                i++;
            }
            else if (c == '(')
            {
                tokens.Add(new Token(TokenKind.LeftParen, "(", column));
                i++;
            }
            else if (c == ')')
            {
                tokens.Add(new Token(TokenKind.RightParen, ")", column));
                i++;
            }
            else if (c == '-' && i + 1 < line.Length && line[i + 1] == '>')
            {
                tokens.Add(new Token(TokenKind.Arrow, "->", column));
                i += 2;
            }
            else if (c == '"')
            {
                var token = ReadString(line, ref i, error, diagnostics);
                if (token is not { } text)
                {
                    return; // the rest of the line cannot be trusted
                }

                tokens.Add(text);
            }
            else if (char.IsAsciiDigit(c) || (c == '-' && i + 1 < line.Length && char.IsAsciiDigit(line[i + 1])))
            {
                var token = ReadNumber(line, ref i, error, diagnostics);
                if (token is not { } number)
                {
                    return;
                }

                tokens.Add(number);
            }
            else if (char.IsAsciiLetter(c) || c == '_')
            {
                var start = i;
                while (i < line.Length && (char.IsAsciiLetterOrDigit(line[i]) || line[i] == '_' || line[i] == '.'))
                {
                    i++;
                }

                tokens.Add(new Token(TokenKind.Identifier, line[start..i], column));
            }
            else
            {
                diagnostics.Add(error(column, char.IsSurrogate(c) ? $"a lone UTF-16 surrogate (U+{(int)c:X4}) is not a character" : $"unexpected character '{c}'"));
                return;
            }
        }

        tokens.Add(new Token(TokenKind.End, "", line.Length + 1));
    }

    private static Token? ReadNumber(string line, ref int i, Func<int, string, Diagnostic> error, List<Diagnostic> diagnostics)
    {
        var column = i + 1;
        var negative = line[i] == '-';
        if (negative)
        {
            i++;
        }

        var start = i;
        var hex = i + 1 < line.Length && line[i] == '0' && (line[i + 1] == 'x' || line[i + 1] == 'X');
        if (hex)
        {
            i += 2;
            start = i;
            while (i < line.Length && (char.IsAsciiHexDigit(line[i]) || line[i] == '_'))
            {
                i++;
            }
        }
        else
        {
            while (i < line.Length && (char.IsAsciiDigit(line[i]) || line[i] == '_'))
            {
                i++;
            }
        }

        var digits = line[start..i].Replace("_", "", StringComparison.Ordinal);
        var suffixStart = i;
        while (i < line.Length && char.IsAsciiLetter(line[i]))
        {
            i++;
        }

        var suffix = line[suffixStart..i];
        var style = hex ? NumberStyles.AllowHexSpecifier : NumberStyles.None;
        if (digits.Length == 0 || !ulong.TryParse(digits, style, CultureInfo.InvariantCulture, out var value))
        {
            diagnostics.Add(error(column, $"'{line[(column - 1)..i]}' is not a number (decimal or 0x hex, at most 64 bits)"));
            return null;
        }

        return new Token(TokenKind.Number, line[(column - 1)..i], column, value, negative, suffix);
    }

    private static Token? ReadString(string line, ref int i, Func<int, string, Diagnostic> error, List<Diagnostic> diagnostics)
    {
        var column = i + 1;
        i++;
        var bytes = new List<byte>();
        Span<byte> utf8 = stackalloc byte[4];
        while (i < line.Length && line[i] != '"')
        {
            if (line[i] != '\\')
            {
                // A lone surrogate (only a C# string can hold one; files are decoded strictly) is no character.
                if (Rune.DecodeFromUtf16(line.AsSpan(i), out var rune, out var length) != OperationStatus.Done)
                {
                    diagnostics.Add(error(i + 1, $"a lone UTF-16 surrogate (U+{(int)line[i]:X4}) is not a character; use \\xNN for raw bytes"));
                    return null;
                }

                var n = rune.EncodeToUtf8(utf8);
                bytes.AddRange(utf8[..n]);
                i += length;
                continue;
            }

            if (i + 1 >= line.Length)
            {
                diagnostics.Add(error(i + 1, "unterminated string: the line ends in '\\', which escapes nothing (write \\\\ for a backslash, then the closing '\"')"));
                return null;
            }

            var escape = line[i + 1];
            switch (escape)
            {
                case 'n': bytes.Add((byte)'\n'); i += 2; break;
                case 't': bytes.Add((byte)'\t'); i += 2; break;
                case 'r': bytes.Add((byte)'\r'); i += 2; break;
                case '0': bytes.Add(0); i += 2; break;
                case '\\': bytes.Add((byte)'\\'); i += 2; break;
                case '"': bytes.Add((byte)'"'); i += 2; break;
                case 'x' when i + 3 < line.Length && char.IsAsciiHexDigit(line[i + 2]) && char.IsAsciiHexDigit(line[i + 3]):
                    bytes.Add(byte.Parse(line.AsSpan(i + 2, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture));
                    i += 4;
                    break;
                default:
                    diagnostics.Add(error(i + 1, $"unknown escape '\\{escape}' (use \\n \\t \\r \\0 \\\\ \\\" or \\xNN)"));
                    return null;
            }
        }

        if (i >= line.Length)
        {
            diagnostics.Add(error(column, "unterminated string: expected a closing '\"'"));
            return null;
        }

        i++; // the closing quote
        return new Token(TokenKind.String, line[(column - 1)..i], column, Bytes: [.. bytes]);
    }
}
