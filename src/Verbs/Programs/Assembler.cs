using System.Text;

namespace VerbRing.Verbs.Programs;

/// <summary>
/// Assembles <c>.vr</c> text into a <see cref="ProgramModel"/>. Line-oriented: a directive (<c>buffer</c>,
/// <c>data</c>, <c>set</c>), a step (<c>VERB args [-> rN] [link|hardlink] [skip] [drain] [timeout D] [tag V]</c>)
/// or the <c>end</c> of a <c>loop</c> block per line.
/// Every error names file, line and column and says what was expected; assembly goes on to the next line so that
/// one run reports them all.
/// </summary>
public static partial class Assembler
{
    private static readonly HashSet<string> Keywords = new(StringComparer.OrdinalIgnoreCase)
    {
        "buffer", "data", "set", "op", "len", "link", "hardlink", "timeout", "tag", "never", "skip", "drain", "end",
        "r0", "r1", "r2", "r3", "r4", "r5", "r6",
    };

    private static readonly HashSet<string> Modifiers = new(["link", "hardlink", "timeout", "tag", "skip", "drain"], StringComparer.OrdinalIgnoreCase);

    /// <summary>The verb a raw <c>op N a0, a1, a2, a3, a4</c> step uses: five plain values, all optional (0).</summary>
    internal static VerbInfo RawVerb(uint op) => new(op, $"op {op}", [.. Enumerable.Range(0, 5).Select(i => new VerbParam($"arg{i}", ParamKind.Value, i, 0))]);

    /// <summary>Assembles <paramref name="text"/>; the diagnostics list every error and warning, in line order.</summary>
    public static ProgramModel Assemble(string text, string file, out List<Diagnostic> diagnostics)
    {
        ArgumentNullException.ThrowIfNull(text);
        diagnostics = [];
        var program = new ProgramModel { File = file };
        var number = 0;
        var tokens = new List<Token>(); // one list, refilled line by line
        var loops = new LoopScope();
        for (var start = 0; start <= text.Length;)
        {
            var end = text.IndexOf('\n', start);
            end = end < 0 ? text.Length : end;
            var line = new LineParser(program, file, ++number, text.AsSpan(start, end - start).TrimEnd('\r').ToString(), tokens, diagnostics, loops);
            line.Parse();
            start = end + 1;
        }

        if (loops.Open >= 0)
        {
            diagnostics.Add(new Diagnostic(Severity.Error, program.Steps[loops.Open].Where, "this loop has no 'end': close its body with a line 'end'"));
        }

        ResolveSymbols(program, diagnostics);
        diagnostics.Sort((a, b) => (a.Where.Line, a.Where.Column).CompareTo((b.Where.Line, b.Where.Column)));
        return program;
    }

    /// <summary>Assembles or throws <see cref="ProgramException"/> with every error.</summary>
    public static ProgramModel Assemble(string text, string file = "program.vr")
    {
        var program = Assemble(text, file, out var diagnostics);
        return diagnostics.Any(d => d.Severity == Severity.Error) ? throw new ProgramException(diagnostics) : program;
    }

    internal static bool IsReserved(string name) => Keywords.Contains(name) || NamedConstants.AllNames.Contains(name);

    private static void ResolveSymbols(ProgramModel program, List<Diagnostic> diagnostics)
    {
        foreach (var step in program.Steps)
        {
            var args = step.Args;
            for (var i = 0; i < args.Length; i++)
            {
                var arg = args[i];
                if (arg.Symbol is { } name && program.FindSymbol(name) is null && !SameNameEarlier(args, i))
                {
                    diagnostics.Add(new Diagnostic(Severity.Error, arg.Where, $"unknown name '{name}': expected a buffer or data declared in this program"));
                }
            }
        }
    }

    /// <summary>Whether an earlier argument names the same symbol at the same place (a path fills two: one error).</summary>
    private static bool SameNameEarlier(UnlinkedOperand[] args, int i)
    {
        for (var j = 0; j < i; j++)
        {
            if (args[j].Symbol == args[i].Symbol && args[j].Where == args[i].Where)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Parses one line: directives, steps, modifiers (arguments in Assembler.Arguments.cs).</summary>
    private sealed partial class LineParser(ProgramModel program, string file, int lineNumber, string text, List<Token> tokens, List<Diagnostic> diagnostics, LoopScope loops)
    {
        private readonly List<Token> _tokens = tokens;
        private int _next;

        public void Parse()
        {
            var before = diagnostics.Count;
            Lexer.Tokenize(text, _tokens, Error, diagnostics);
            if (diagnostics.Count > before || Peek.Kind == TokenKind.End)
            {
                return;
            }

            try
            {
                ParseLine();
            }
            catch (LineError e)
            {
                diagnostics.Add(e.Diagnostic);
            }
        }

        private Token Peek => _tokens[_next];

        private SourceSpan At(int column) => new(file, lineNumber, column);

        private Diagnostic Error(int column, string message) => new(Severity.Error, At(column), message);

        private LineError Fail(Token token, string message) => new(Error(token.Column, message));

        private Token Take() => _tokens[_next++];

        private Token Expect(TokenKind kind, string what)
        {
            var token = Peek;
            return token.Kind == kind ? Take() : throw Fail(token, $"expected {what}, found {Describe(token)}");
        }

        private static string Describe(Token token) => token.Kind == TokenKind.End ? "the end of the line" : $"'{token.Text}'";

        private void ParseLine()
        {
            var head = Expect(TokenKind.Identifier, "a directive (buffer, data, set), a verb or 'end'");
            switch (head.Text.ToLowerInvariant())
            {
                case "end":
                    CloseLoop(head);
                    break;
                case "buffer":
                    ParseBuffer();
                    break;
                case "data":
                    ParseData();
                    break;
                case "set":
                    ParseSet();
                    break;
                case "op":
                    var code = Expect(TokenKind.Number, "an op code after 'op'");
                    if (code.Negative || code.Number > uint.MaxValue || code.Suffix.Length > 0)
                    {
                        throw Fail(code, "an op code is a 32-bit unsigned number");
                    }

                    ParseStep(RawVerb((uint)code.Number), head, raw: true);
                    break;
                default:
                    var verb = VerbCatalogue.Find(head.Text)
                        ?? throw Fail(head, $"unknown verb '{head.Text}': expected one of {string.Join(", ", VerbCatalogue.All.Select(v => v.Name))}, 'op N', or a directive");
                    if (verb.Op == (uint)Op.Loop && loops.Open >= 0)
                    {
                        throw Fail(head, $"loops do not nest: the loop at {program.Steps[loops.Open].Where} is still open ('end' it first)");
                    }

                    // A loop line that fails still opens its block, so that its 'end' is not a second error.
                    var steps = program.Steps.Count;
                    loops.Open = verb.Op == (uint)Op.Loop ? LoopScope.Failed : loops.Open;
                    ParseStep(verb, head, raw: false);
                    if (verb.Op == (uint)Op.Loop)
                    {
                        loops.Open = steps;
                    }

                    break;
            }

            if (Peek.Kind != TokenKind.End)
            {
                throw Fail(Peek, $"expected the end of the line, found {Describe(Peek)}");
            }
        }

        /// <summary>'end': the open loop's body is the steps since it; its length goes into the LOOP's fifth argument.</summary>
        private void CloseLoop(Token end)
        {
            if (loops.Open == LoopScope.Failed)
            {
                loops.Open = -1;
                return;
            }

            if (loops.Open < 0)
            {
                throw Fail(end, "'end' closes a loop, but no loop is open");
            }

            var loop = program.Steps[loops.Open];
            var args = loop.Args.ToArray();
            args[4] = UnlinkedOperand.Immediate((ulong)(program.Steps.Count - 1 - loops.Open), At(end.Column));
            program.Steps[loops.Open] = loop with { Args = args };
            loops.Open = -1;
        }

        private Token DeclareName()
        {
            var name = Expect(TokenKind.Identifier, "a name");
            if (IsReserved(name.Text))
            {
                throw Fail(name, $"'{name.Text}' is a keyword, register or constant and cannot name a buffer");
            }

            if (program.FindSymbol(name.Text) is { } existing)
            {
                throw Fail(name, $"'{name.Text}' is already declared at {existing.Where}");
            }

            return name;
        }

        private void ParseBuffer()
        {
            var name = DeclareName();
            var size = Expect(TokenKind.Number, "a size in bytes");
            if (size.Negative || size.Suffix.Length > 0 || size.Number == 0 || size.Number > int.MaxValue)
            {
                throw Fail(size, "a buffer size is a positive number of bytes");
            }

            program.Symbols.Add(new SymbolDecl(name.Text, (uint)size.Number, null, At(name.Column)));
        }

        private void ParseData()
        {
            var name = DeclareName();
            var value = Expect(TokenKind.String, "a string literal in double quotes");
            program.Symbols.Add(new SymbolDecl(name.Text, (uint)value.Bytes!.Length, value.Bytes, At(name.Column)));
        }

        private void ParseSet()
        {
            var register = ParseRegister(Expect(TokenKind.Identifier, "a register r0–r6"));
            var value = Expect(TokenKind.Number, "a value");
            if (value.Suffix.Length > 0 || (value.Negative && value.Number > (ulong)long.MaxValue + 1))
            {
                throw Fail(value, "a register value is a 64-bit number");
            }

            program.Sets.Add(new RegisterInit(register, value.Negative ? unchecked(0 - value.Number) : value.Number, At(value.Column)));
        }

        private Reg ParseRegister(Token token) =>
            TryRegister(token.Text) is { } register ? register : throw Fail(token, $"expected a register (r0–r6), found '{token.Text}'");

        /// <summary>"r3" (whole), "r3.lo" or "r3.hi" (a 32-bit half); Reg.None when it is none of them.</summary>
        private static (Reg Register, LoadModifier Modifier) TryLoad(string text)
        {
            var dot = text.IndexOf('.', StringComparison.Ordinal);
            if (TryRegister(dot < 0 ? text : text[..dot]) is not { } register)
            {
                return (Reg.None, LoadModifier.Whole);
            }

            return (dot < 0 ? "" : text[(dot + 1)..].ToLowerInvariant()) switch
            {
                "" => (register, LoadModifier.Whole),
                "lo" => (register, LoadModifier.Low32),
                "hi" => (register, LoadModifier.High32),
                _ => (Reg.None, LoadModifier.Whole),
            };
        }

        private static Reg? TryRegister(string text) =>
            text.Length == 2 && (text[0] == 'r' || text[0] == 'R') && text[1] is >= '0' and <= '6' ? Reg.At(text[1] - '0') : null;

        private void ParseStep(VerbInfo verb, Token head, bool raw)
        {
            var args = new UnlinkedOperand?[5];
            var given = 0;
            if (Peek.Kind is not (TokenKind.End or TokenKind.Arrow) && !IsModifier(Peek))
            {
                do
                {
                    if (given == verb.Params.Count)
                    {
                        throw Fail(Peek, $"{verb.Name} takes {verb.Params.Count} argument{(verb.Params.Count == 1 ? "" : "s")} ({Signature(verb)}); this is one too many");
                    }

                    ParseArgument(verb.Params[given++], args);
                }
                while (Peek.Kind == TokenKind.Comma && Take().Kind == TokenKind.Comma);
            }

            if (given < verb.RequiredCount)
            {
                throw Fail(Peek, $"{verb.Name} needs {verb.RequiredCount} argument{(verb.RequiredCount == 1 ? "" : "s")} ({Signature(verb)}); expected '{verb.Params[given].Name}' here");
            }

            for (var i = given; i < verb.Params.Count; i++)
            {
                args[verb.Params[i].Arg] ??= UnlinkedOperand.Immediate(verb.Params[i].Default!.Value, At(Peek.Column));
            }

            var save = Reg.None;
            if (Peek.Kind == TokenKind.Arrow)
            {
                Take();
                save = ParseRegister(Expect(TokenKind.Identifier, "a register to save the result in"));
            }

            var link = SqeLink.None;
            ulong? timeout = null;
            ulong? tag = null;
            bool skip = false, drain = false;
            while (IsModifier(Peek))
            {
                var modifier = Take();
                switch (modifier.Text.ToLowerInvariant())
                {
                    case "skip":
                        OnlyOnce(modifier, skip);
                        skip = true;
                        break;
                    case "drain":
                        OnlyOnce(modifier, drain);
                        drain = true;
                        break;
                    case "link" or "hardlink":
                        if (link != SqeLink.None)
                        {
                            throw Fail(modifier, "a step has at most one of 'link' and 'hardlink'");
                        }

                        link = modifier.Text.Equals("link", StringComparison.OrdinalIgnoreCase) ? SqeLink.Link : SqeLink.HardLink;
                        break;
                    case "timeout":
                        OnlyOnce(modifier, timeout is not null);
                        timeout = ParseDuration();
                        break;
                    default:
                        OnlyOnce(modifier, tag is not null);
                        var value = Expect(TokenKind.Number, "a tag value");
                        if (value.Negative || value.Suffix.Length > 0)
                        {
                            throw Fail(value, "a tag is an unsigned 64-bit number");
                        }

                        tag = value.Number;
                        break;
                }
            }

            program.Steps.Add(new ProgramStep
            {
                Verb = verb,
                Args = FillUnused(args, At(head.Column)),
                Save = save,
                Link = link,
                Skip = skip,
                Drain = drain,
                Timeout = timeout ?? 0,
                Tag = tag,
                IsRaw = raw,
                Where = At(head.Column),
            });
        }

        /// <summary>Refuses a second 'timeout', 'tag', 'skip' or 'drain' on one step: never a silent override.</summary>
        private void OnlyOnce(Token modifier, bool given)
        {
            if (given)
            {
                throw Fail(modifier, $"a step has at most one '{modifier.Text.ToLowerInvariant()}'");
            }
        }

        /// <summary>The arguments, in place, with the ones no parameter fills set to 0 (one shared instance: a step is small).</summary>
        private static UnlinkedOperand[] FillUnused(UnlinkedOperand?[] args, SourceSpan where)
        {
            UnlinkedOperand? zero = null;
            for (var i = 0; i < args.Length; i++)
            {
                args[i] ??= zero ??= UnlinkedOperand.Immediate(0, where);
            }

            return args!; // every slot is set now
        }

        private static bool IsModifier(Token token) =>
            token.Kind == TokenKind.Identifier && Modifiers.Contains(token.Text);

        private static string Signature(VerbInfo verb) =>
            verb.Params.Count == 0 ? "none" : string.Join(", ", verb.Params.Select(p => p.Default is null ? p.Name : $"[{p.Name}]"));

        private ulong ParseDuration()
        {
            var token = Peek;
            if (token.Kind == TokenKind.Identifier && token.Text.Equals("never", StringComparison.OrdinalIgnoreCase))
            {
                Take();
                return ulong.MaxValue;
            }

            var value = Expect(TokenKind.Number, "a duration (a number with ns, us, ms or s, or 'never')");
            ulong scale = value.Suffix.ToLowerInvariant() switch
            {
                "ns" => 1,
                "us" => 1_000,
                "ms" => 1_000_000,
                "s" => 1_000_000_000,
                _ => throw Fail(value, $"expected a duration with a unit (ns, us, ms or s), found '{value.Text}'"),
            };
            if (value.Negative || value.Number > (ulong.MaxValue - 1) / scale)
            {
                throw Fail(value, "a duration is a non-negative time that fits 64 bits of nanoseconds");
            }

            return value.Number * scale;
        }
    }

    /// <summary>The loop whose body is being assembled: its step index, -1 for none (loops do not nest), or <see cref="Failed"/>.</summary>
    private sealed class LoopScope
    {
        /// <summary>A loop line that did not assemble: its block is open, with no step to close.</summary>
        public const int Failed = -2;

        public int Open { get; set; } = -1;
    }

    private sealed class LineError(Diagnostic diagnostic) : Exception(diagnostic.Message)
    {
        public Diagnostic Diagnostic { get; } = diagnostic;
    }
}
