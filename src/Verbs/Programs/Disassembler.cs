using System.Globalization;
using System.Text;
using VerbRing.Registers;

namespace VerbRing.Verbs.Programs;

/// <summary>
/// Turns a linked program's SQEs back into <c>.vr</c> text: directives for its buffers and data, then one line per
/// SQE, with names for addresses that start a symbol and constants where a value is exactly one. An SQE that the
/// named form cannot express (a path in a register, arguments a verb does not take, an unknown op) is written as a
/// raw <c>op N</c> step. Assembling the output gives the same SQEs and the same image.
/// </summary>
public static class Disassembler
{
    /// <summary>The program as text.</summary>
    public static string Disassemble(LinkedProgram program)
    {
        var text = new StringBuilder();
        foreach (var (line, _) in Lines(program))
        {
            text.Append(line).Append('\n');
        }

        return text.ToString();
    }

    /// <summary>
    /// The program as lines, each with the step it encodes (-1 for a directive, a <c>set</c> or a loop's
    /// <c>end</c>): a LOOP whose body the text can say is a block — its body indented, then <c>end</c>.
    /// </summary>
    public static IReadOnlyList<(string Text, int Step)> Lines(LinkedProgram program)
    {
        ArgumentNullException.ThrowIfNull(program);
        var lines = new List<(string, int)>();
        foreach (var symbol in program.Symbols.Where(s => !s.IsLiteral))
        {
            lines.Add((symbol.Initial is null
                ? $"buffer {symbol.Name} {symbol.Size}"
                : $"data   {symbol.Name} {Quote(symbol.Initial)}", -1));
        }

        foreach (var set in program.Source.Sets)
        {
            lines.Add((string.Create(CultureInfo.InvariantCulture, $"set    {set.Register} {set.Value}"), -1));
        }

        var sqes = program.Sqes;
        var endAfter = -1; // the last step of the loop block being written
        for (var i = 0; i < sqes.Length; i++)
        {
            var block = endAfter < 0 ? BlockBody(program, i) : 0;
            lines.Add(((endAfter >= 0 ? "    " : "") + Line(program, sqes[i], i, block > 0), i));
            if (block > 0)
            {
                endAfter = i + block;
            }
            else if (i == endAfter)
            {
                lines.Add(("end", -1));
                endAfter = -1;
            }
        }

        return lines;
    }

    /// <summary>One SQE as a step line (for traces and listings); a LOOP shows its condition and bound.</summary>
    public static string Line(LinkedProgram program, in Sqe sqe, int index) => Line(program, sqe, index, loopBlock: true);

    private static string Line(LinkedProgram program, in Sqe sqe, int index, bool loopBlock)
    {
        ArgumentNullException.ThrowIfNull(program);
        var head = TryNamed(program, sqe, loopBlock) ?? Raw(program, sqe);
        var line = new StringBuilder(head);
        var save = SqeFlags.SaveOf(sqe.Flags);
        if (save != SqeFlags.RegNone)
        {
            line.Append(CultureInfo.InvariantCulture, $" -> r{save}");
        }

        if ((sqe.Flags & SqeFlags.HardLink) != 0)
        {
            line.Append(" hardlink");
        }
        else if ((sqe.Flags & SqeFlags.Link) != 0)
        {
            line.Append(" link");
        }

        if (SqeFlags.SkipsSuccess(sqe.Flags))
        {
            line.Append(" skip");
        }

        if (SqeFlags.Drains(sqe.Flags))
        {
            line.Append(" drain");
        }

        if (sqe.Timeout != 0)
        {
            line.Append(" timeout ").Append(Duration(sqe.Timeout));
        }

        if (sqe.Data != (ulong)index)
        {
            line.Append(CultureInfo.InvariantCulture, $" tag {sqe.Data}");
        }

        return line.ToString();
    }

    /// <summary>
    /// How many steps follow SQE <paramref name="index"/> as the body of a <c>loop … end</c> block, or 0 when it is
    /// not a LOOP the block form can say: its body length a plain number from 1 on that fits the program, no LOOP
    /// in the body (blocks do not nest), and a head the named form can say.
    /// </summary>
    private static int BlockBody(LinkedProgram program, int index)
    {
        var sqes = program.Sqes;
        ref readonly var sqe = ref sqes[index];
        if (sqe.Op != (uint)Op.Loop || SqeFlags.LoadOf(sqe.Flags, 4) != SqeFlags.RegNone || sqe.Arg4 == 0
            || sqe.Arg4 > (ulong)(sqes.Length - 1 - index) || TryNamed(program, sqe, loopBlock: true) is null)
        {
            return 0;
        }

        for (var i = index + 1; i <= index + (int)sqe.Arg4; i++)
        {
            if (sqes[i].Op == (uint)Op.Loop)
            {
                return 0;
            }
        }

        return (int)sqe.Arg4;
    }

    /// <summary>A string literal with C escapes.</summary>
    public static string Quote(ReadOnlySpan<byte> bytes)
    {
        var text = new StringBuilder("\"");
        var decoded = Encoding.UTF8.GetString(bytes);
        var clean = Encoding.UTF8.GetByteCount(decoded) == bytes.Length && !decoded.Contains('\uFFFD', StringComparison.Ordinal);
        if (clean)
        {
            foreach (var c in decoded)
            {
                text.Append(c switch
                {
                    '\n' => "\\n",
                    '\t' => "\\t",
                    '\r' => "\\r",
                    '\0' => "\\0",
                    '\\' => "\\\\",
                    '"' => "\\\"",
                    < ' ' or '\x7f' => $"\\x{(int)c:x2}",
                    _ => c.ToString(),
                });
            }
        }
        else
        {
            foreach (var b in bytes)
            {
                text.Append(b is >= 0x20 and < 0x7f and not (byte)'"' and not (byte)'\\' ? ((char)b).ToString() : $"\\x{b:x2}");
            }
        }

        return text.Append('"').ToString();
    }

    private static string? TryNamed(LinkedProgram program, Sqe sqe, bool loopBlock)
    {
        if ((sqe.Flags & SqeFlags.ReservedMask) != 0 || (sqe.Flags & (SqeFlags.Link | SqeFlags.HardLink)) == (SqeFlags.Link | SqeFlags.HardLink)
            || VerbCatalogue.Find(sqe.Op) is not { } verb || (verb.Op == (uint)Op.Loop && !loopBlock))
        {
            return null;
        }

        var covered = new bool[5];
        covered[4] = verb.Op == (uint)Op.Loop; // a loop's body length is its block, when there is one
        var parts = new List<string>();
        foreach (var param in verb.Params)
        {
            covered[param.Arg] = true;
            var load = SqeFlags.LoadOf(sqe.Flags, param.Arg);
            if (param.Kind == ParamKind.Path)
            {
                covered[param.Arg + 1] = true;
                if (load != SqeFlags.RegNone || SqeFlags.LoadOf(sqe.Flags, param.Arg + 1) != SqeFlags.RegNone
                    || FindSymbol(program, sqe.Arg(param.Arg)) is not { Initial: not null } path || path.Size != sqe.Arg(param.Arg + 1))
                {
                    return null;
                }

                parts.Add(path.IsLiteral ? Quote(path.Initial) : path.Name);
                continue;
            }

            if (load != SqeFlags.RegNone && Load(load, sqe.Arg(param.Arg)) is not { } loaded)
            {
                return null;
            }

            parts.Add(load != SqeFlags.RegNone ? Load(load, sqe.Arg(param.Arg))!
                : param.Kind == ParamKind.Buffer && Overruns(program, verb, sqe, sqe.Arg(param.Arg)) ? Hex(sqe.Arg(param.Arg))
                : Value(program, param.Kind, sqe.Arg(param.Arg)));
        }

        for (var arg = 0; arg < 5; arg++)
        {
            if (!covered[arg] && (sqe.Arg(arg) != 0 || SqeFlags.LoadOf(sqe.Flags, arg) != SqeFlags.RegNone))
            {
                return null; // the named form cannot say it
            }
        }

        // Trailing parameters at their default are left out, as a person would write them.
        var count = parts.Count;
        while (count > verb.RequiredCount && verb.Params[count - 1].Default is { } fallback
            && SqeFlags.LoadOf(sqe.Flags, verb.Params[count - 1].Arg) == SqeFlags.RegNone && sqe.Arg(verb.Params[count - 1].Arg) == fallback
            && verb.Params[count - 1].Kind != ParamKind.Path)
        {
            count--;
        }

        return count == 0 ? verb.Name : $"{verb.Name,-6} {string.Join(", ", parts.Take(count))}";
    }

    /// <summary>
    /// Whether <paramref name="address"/> starts a named buffer that the step's count (an immediate) overruns. The
    /// program said it as a number (the verifier refuses the name), so the number it stays: by name, the disassembly
    /// would no longer verify.
    /// </summary>
    private static bool Overruns(LinkedProgram program, VerbInfo verb, in Sqe sqe, ulong address) =>
        verb.Params.FirstOrDefault(p => p.Kind == ParamKind.Count) is { } count
        && SqeFlags.LoadOf(sqe.Flags, count.Arg) == SqeFlags.RegNone
        && FindSymbol(program, address) is { IsLiteral: false } symbol && sqe.Arg(count.Arg) > symbol.Size;

    private static string Raw(LinkedProgram program, Sqe sqe)
    {
        var parts = new List<string>();
        for (var arg = 0; arg < 5; arg++)
        {
            var load = SqeFlags.LoadOf(sqe.Flags, arg);
            parts.Add(load != SqeFlags.RegNone ? Load(load, sqe.Arg(arg)) ?? $"r{load}" : Value(program, ParamKind.Value, sqe.Arg(arg)));
        }

        var count = 5;
        while (count > 0 && parts[count - 1] == "0")
        {
            count--;
        }

        return count == 0 ? $"op {sqe.Op}" : $"op {sqe.Op} {string.Join(", ", parts.Take(count))}";
    }

    private static string Value(LinkedProgram program, ParamKind kind, ulong value)
    {
        switch (kind)
        {
            case ParamKind.Buffer or ParamKind.Value when FindSymbol(program, value) is { } symbol:
                return symbol.IsLiteral ? (kind == ParamKind.Buffer ? Quote(symbol.Initial) : Hex(value)) : symbol.Name;
            case ParamKind.SignedOffset:
                return ((long)value).ToString(CultureInfo.InvariantCulture);
            case ParamKind.Buffer or ParamKind.Value:
                return value < 0x1_0000 ? value.ToString(CultureInfo.InvariantCulture) : Hex(value);
            default:
                return NamedConstants.Format(kind, value) ?? (kind is ParamKind.OpenFlags or ParamKind.PollEvents ? Hex(value) : value.ToString(CultureInfo.InvariantCulture));
        }
    }

    /// <summary>A register load as text: rN, rN.lo or rN.hi; null for a modifier the text cannot say.</summary>
    private static string? Load(int register, ulong modifier) => (LoadModifier)modifier switch
    {
        LoadModifier.Whole => $"r{register}",
        LoadModifier.Low32 => $"r{register}.lo",
        LoadModifier.High32 => $"r{register}.hi",
        _ => null,
    };

    private static LinkedSymbol? FindSymbol(LinkedProgram program, ulong address) =>
        address >= RingLayout.UserBase && address - RingLayout.UserBase <= uint.MaxValue
            ? program.SymbolAt((uint)(address - RingLayout.UserBase))
            : null;

    private static string Hex(ulong value) => $"0x{value:x}";

    private static string Duration(ulong nanoseconds)
    {
        if (nanoseconds == ulong.MaxValue)
        {
            return "never";
        }

        foreach (var (unit, scale) in new[] { ("s", 1_000_000_000UL), ("ms", 1_000_000UL), ("us", 1_000UL) })
        {
            if (nanoseconds % scale == 0)
            {
                return $"{nanoseconds / scale}{unit}";
            }
        }

        return $"{nanoseconds}ns";
    }
}
