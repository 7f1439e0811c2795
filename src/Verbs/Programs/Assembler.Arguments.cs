using System.Text;

namespace VerbRing.Verbs.Programs;

/// <summary>The assembler's argument forms: numbers, constants by parameter kind, registers and halves, names, strings.</summary>
public static partial class Assembler
{
    /// <summary>Parses one argument of a step into the SQE argument(s) its parameter fills.</summary>
    private sealed partial class LineParser
    {
        private void ParseArgument(VerbParam param, UnlinkedOperand?[] args)
        {
            var token = Peek;
            var where = At(token.Column);
            switch (token.Kind)
            {
                case TokenKind.String when param.Kind is ParamKind.Path or ParamKind.Buffer:
                    Take();
                    var literal = AddLiteral(token, where);
                    args[param.Arg] = UnlinkedOperand.AddressOf(literal, where);
                    if (param.Kind == ParamKind.Path)
                    {
                        args[param.Arg + 1] = UnlinkedOperand.LengthOf(literal, where);
                    }

                    return;
                case TokenKind.String:
                    throw Fail(token, $"'{param.Name}' takes {Expected(param)}, not a string");
                case TokenKind.Identifier when TryLoad(token.Text) is var (register, modifier) && !register.IsNone:
                    Take();
                    if (param.Kind == ParamKind.Path)
                    {
                        throw Fail(token, "a path is a string literal or a data name (its length must be known), not a register");
                    }

                    args[param.Arg] = UnlinkedOperand.Load(register, where, modifier);
                    return;
                case TokenKind.Identifier when token.Text.Equals("len", StringComparison.OrdinalIgnoreCase)
                    && _tokens[_next + 1].Kind == TokenKind.LeftParen:
                    Take();
                    Take();
                    var name = Expect(TokenKind.Identifier, "a buffer or data name");
                    Expect(TokenKind.RightParen, "')'");
                    if (param.Kind is not (ParamKind.Count or ParamKind.Value))
                    {
                        throw Fail(token, $"'{param.Name}' takes {Expected(param)}; len(...) is a count");
                    }

                    args[param.Arg] = UnlinkedOperand.LengthOf(name.Text, At(name.Column));
                    return;
                case TokenKind.Identifier when token.Text.Length > 1 && token.Text[0] is 'r' or 'R' && char.IsAsciiDigit(token.Text[1]):
                    throw Fail(token, $"'{token.Text}' is not a register: registers are r0–r6, loaded whole or as rN.lo / rN.hi");
                case TokenKind.Identifier or TokenKind.Number:
                    ParseValue(param, args, where);
                    return;
                default:
                    throw Fail(token, $"expected '{param.Name}' ({Expected(param)}), found {Describe(token)}");
            }
        }

        private void ParseValue(VerbParam param, UnlinkedOperand?[] args, SourceSpan where)
        {
            var first = Peek;

            // A lone identifier that is not a constant of this kind names a symbol: its address.
            if (first.Kind == TokenKind.Identifier && !NamedConstants.TryFind(param.Kind, first.Text, out _)
                && _tokens[_next + 1].Kind != TokenKind.Pipe)
            {
                if (NamedConstants.KindsOf(first.Text).FirstOrDefault() is var kind && NamedConstants.AllNames.Contains(first.Text))
                {
                    throw Fail(first, $"'{first.Text}' is {KindName(kind)} constant, but '{param.Name}' takes {Expected(param)}");
                }

                if (param.Kind is not (ParamKind.Buffer or ParamKind.Path or ParamKind.Value))
                {
                    throw Fail(first, $"'{param.Name}' takes {Expected(param)}; '{first.Text}' would be an address");
                }

                Take();
                args[param.Arg] = UnlinkedOperand.AddressOf(first.Text, where);
                if (param.Kind == ParamKind.Path)
                {
                    args[param.Arg + 1] = UnlinkedOperand.LengthOf(first.Text, where);
                }

                return;
            }

            if (param.Kind == ParamKind.Path)
            {
                throw Fail(first, "a path is a string literal or a data name");
            }

            var value = 0UL;
            while (true)
            {
                var token = Take();
                value |= token.Kind switch
                {
                    TokenKind.Number => Number(param, token),
                    TokenKind.Identifier when NamedConstants.TryFind(param.Kind, token.Text, out var constant) => constant,
                    TokenKind.Identifier => throw Fail(token, $"'{token.Text}' is not {Expected(param)}"),
                    _ => throw Fail(token, $"expected {Expected(param)}, found {Describe(token)}"),
                };
                if (Peek.Kind != TokenKind.Pipe)
                {
                    break;
                }

                if (!NamedConstants.IsFlags(param.Kind) && param.Kind != ParamKind.Value)
                {
                    throw Fail(Peek, $"'{param.Name}' takes one value; '|' combines flags only");
                }

                Take();
            }

            args[param.Arg] = UnlinkedOperand.Immediate(value, where);
        }

        private ulong Number(VerbParam param, Token token)
        {
            if (token.Suffix.Length > 0)
            {
                throw Fail(token, $"'{token.Text}' has a unit; '{param.Name}' takes {Expected(param)}");
            }

            if (!token.Negative)
            {
                return token.Number;
            }

            if (param.Kind is not (ParamKind.SignedOffset or ParamKind.Value))
            {
                throw Fail(token, $"'{param.Name}' takes {Expected(param)}, which cannot be negative");
            }

            return token.Number <= (ulong)long.MaxValue + 1
                ? unchecked(0 - token.Number)
                : throw Fail(token, $"'{token.Text}' does not fit a signed 64-bit number");
        }

        private string AddLiteral(Token token, SourceSpan where)
        {
            var name = $"\"{Encoding.UTF8.GetString(token.Bytes!)}\"@{lineNumber}:{token.Column}";
            program.Symbols.Add(new SymbolDecl(name, (uint)token.Bytes!.Length, token.Bytes, where, IsLiteral: true));
            return name;
        }

        private static string KindName(ParamKind kind) => kind switch
        {
            ParamKind.OpenFlags => "an open-flag",
            ParamKind.PollEvents => "a poll-event",
            ParamKind.Whence => "a whence",
            ParamKind.FileOffset => "an offset",
            ParamKind.DirFd => "a dir",
            ParamKind.CancelMode => "a cancel-mode",
            ParamKind.Compare => "a compare",
            _ => $"a {kind}",
        };

        private static string Expected(VerbParam param) => param.Kind switch
        {
            ParamKind.Fd => "a descriptor (a number or a register)",
            ParamKind.DirFd => "a directory descriptor (a number, a register or NONE)",
            ParamKind.Buffer => "a buffer (a buffer or data name, a string, a register or an address)",
            ParamKind.Count => "a count (a number, len(NAME) or a register)",
            ParamKind.FileOffset => "an offset (a number, CUR or a register)",
            ParamKind.SignedOffset => "a signed offset (a number or a register)",
            ParamKind.Whence => "a whence (SET, END, CUR or a register)",
            ParamKind.OpenFlags => $"open flags ({NamedConstants.Describe(ParamKind.OpenFlags)})",
            ParamKind.PollEvents => $"poll events ({NamedConstants.Describe(ParamKind.PollEvents)})",
            ParamKind.Path => "a path (a string literal or a data name)",
            ParamKind.Tag => "a tag (a number or a register)",
            ParamKind.CancelMode => "a cancel mode (ALL, ANY or a register)",
            ParamKind.Compare => $"a comparison ({NamedConstants.Describe(ParamKind.Compare)} or a register)",
            ParamKind.Bound => $"a bound (a number of iterations from 1 to {Abi.MaxLoopIterations})",
            _ => "a value (a number, a name, len(NAME) or a register)",
        };
    }
}
