using System.Globalization;
using System.Text;
using System.Text.Json;
using VerbRing.Registers;
using VerbRing.Verbs;
using VerbRing.Verbs.Programs;

namespace VerbRing.Kernel.Tracing;

/// <summary>
/// Turns a traced run into rows and into deterministic text (no times, no machine paths, no absolute addresses
/// beyond the fixed user-memory base) and into the JSON that <c>verbring run --json</c> prints.
/// </summary>
public static class TraceRenderer
{
    /// <summary>The header of the text form.</summary>
    public static readonly TraceRow Header = new("step", "verb", "arguments", "result", "errno", "bytes");

    /// <summary>One row per completion in CQE order, then one per missing step.</summary>
    public static List<TraceRow> Rows(TracedRun traced) =>
        [.. Lines(traced).Select(line => line.Entry is not { } entry
            ? new TraceRow($"{line.Step}*", VerbCatalogue.NameOf(traced.Loaded.Sqes[line.Step].Op), "(never completed)", "", "", "")
            : new TraceRow(
                line.Late ? $"{line.Step}*" : line.Step.ToString(CultureInfo.InvariantCulture),
                VerbCatalogue.NameOf(entry.Operation.Op),
                entry.Operation.Outcome == TracedOutcome.Cancelled ? "(not run)" : Arguments(traced, entry, line.Step),
                entry.Operation.Error == Errno.OK ? entry.Operation.Result.ToString(CultureInfo.InvariantCulture) : "ERR",
                entry.Operation.Error.ToString(),
                Preview(entry)))];

    /// <summary>
    /// The trace's lines, which every form (text, table, JSON) shows: each of the program's completions in CQE order
    /// with its step (Late: cancelled at the deadline), then each missing step whose completion never came (no entry).
    /// </summary>
    internal static List<(int Step, bool Late, TraceEntry? Entry)> Lines(TracedRun traced)
    {
        ArgumentNullException.ThrowIfNull(traced);
        var cancelledLate = traced.Run.MissingSteps.ToHashSet();
        var matcher = traced.Run.Program.NewMatcher();
        var lines = new List<(int Step, bool Late, TraceEntry? Entry)>();
        var completed = new HashSet<int>();
        foreach (var entry in traced.Trace)
        {
            if (matcher.Match(entry.Operation.Data, entry.Operation.Op) is not { } step)
            {
                continue; // the runner's own CANCELs at the deadline
            }

            lines.Add((step, cancelledLate.Contains(step), entry));
            completed.Add(step);
        }

        lines.AddRange(traced.Run.MissingSteps.Where(m => !completed.Contains(m)).Select(m => (m, true, (TraceEntry?)null)));
        return lines;
    }

    /// <summary>The trace as aligned plain text, then the registers.</summary>
    public static string RenderText(TracedRun traced)
    {
        ArgumentNullException.ThrowIfNull(traced);
        var rows = Rows(traced);
        var all = new List<TraceRow> { Header };
        all.AddRange(rows);
        var widths = new[]
        {
            all.Max(r => r.Step.Length), all.Max(r => r.Verb.Length), all.Max(r => r.Arguments.Length),
            all.Max(r => r.Result.Length), all.Max(r => r.Errno.Length),
        };
        var text = new StringBuilder();
        foreach (var row in all)
        {
            var line = $"{row.Step.PadLeft(widths[0])}  {row.Verb.PadRight(widths[1])}  {row.Arguments.PadRight(widths[2])}  {row.Result.PadLeft(widths[3])}  {row.Errno.PadRight(widths[4])}  {row.Bytes}";
            text.Append(line.TrimEnd()).Append('\n');
        }

        text.Append('\n').Append(Registers(traced.Run)).Append('\n');
        if (!traced.Run.IsComplete)
        {
            text.Append(CultureInfo.InvariantCulture, $"* had not completed at the deadline and was cancelled: {Steps(traced.Run.MissingSteps)}\n");
        }

        return text.ToString();
    }

    /// <summary>"step 4", or "steps 1, 2, 5-3000": <see cref="StepList"/> with the noun in the right number.</summary>
    public static string Steps(IReadOnlyList<int> steps)
    {
        ArgumentNullException.ThrowIfNull(steps);
        return $"{(steps.Count == 1 ? "step" : "steps")} {StepList(steps)}";
    }

    /// <summary>Step numbers, ascending, with runs of three or more written as a range: "1, 2, 5-3000".</summary>
    public static string StepList(IReadOnlyList<int> steps)
    {
        ArgumentNullException.ThrowIfNull(steps);
        var parts = new List<string>();
        for (var i = 0; i < steps.Count;)
        {
            var end = i;
            while (end + 1 < steps.Count && steps[end + 1] == steps[end] + 1)
            {
                end++;
            }

            parts.Add(end - i >= 2 ? $"{steps[i]}-{steps[end]}" : steps[i].ToString(CultureInfo.InvariantCulture));
            i = end - i >= 2 ? end + 1 : i + 1;
        }

        return string.Join(", ", parts);
    }

    /// <summary>The final registers on one line.</summary>
    public static string Registers(ProgramRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        return "registers: " + string.Join(" ", run.Registers.Select((v, i) => $"r{i}={Number(v)}"));
    }

    /// <summary>
    /// <c>{"completions":[{"step":0,"verb":"OPEN","data":0,"error":0,"errno":"OK","result":3,"arguments":…,"bytes":…,
    /// "cancelledAtDeadline":false}, …],"registers":[…],"enters":1,"missing":[…]}</c>: the rows of the text trace (the
    /// steps cancelled at the deadline too) in CQE order, numbers as unsigned integers; how many enters the run took;
    /// missing steps under "missing".
    /// </summary>
    public static string RenderJson(TracedRun traced)
    {
        ArgumentNullException.ThrowIfNull(traced);
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = false }))
        {
            json.WriteStartObject();
            json.WriteStartArray("completions");
            var rows = Rows(traced);
            var lines = Lines(traced);
            for (var i = 0; i < lines.Count; i++)
            {
                if (lines[i].Entry is not { Operation: var op })
                {
                    continue; // a step that never completed: only under "missing"
                }

                json.WriteStartObject();
                json.WriteNumber("step", lines[i].Step);
                json.WriteString("verb", VerbCatalogue.NameOf(op.Op));
                json.WriteNumber("data", op.Data);
                json.WriteNumber("error", (int)op.Error);
                json.WriteString("errno", op.Error.ToString());
                json.WriteNumber("result", op.Result);
                json.WriteString("arguments", rows[i].Arguments);
                json.WriteString("bytes", rows[i].Bytes);
                json.WriteBoolean("cancelledAtDeadline", lines[i].Late);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteStartArray("registers");
            foreach (var value in traced.Run.Registers)
            {
                json.WriteNumberValue(value);
            }

            json.WriteEndArray();
            json.WriteNumber("enters", traced.Run.Enters);
            json.WriteStartArray("missing");
            foreach (var step in traced.Run.MissingSteps)
            {
                json.WriteNumberValue(step);
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static string Arguments(TracedRun traced, TraceEntry entry, int step)
    {
        var op = entry.Operation;
        var loaded = traced.Loaded;
        if (op.Outcome == TracedOutcome.Refused || VerbCatalogue.Find(op.Op) is not { } verb)
        {
            return $"args=[{Number(op.Arg0)}, {Number(op.Arg1)}, {Number(op.Arg2)}, {Number(op.Arg3)}, {Number(op.Arg4)}]";
        }

        ulong[] args = [op.Arg0, op.Arg1, op.Arg2, op.Arg3, op.Arg4];
        var flags = loaded.Sqes[step].Flags;
        var asSubmitted = op.Outcome == TracedOutcome.Denied ? ~0 : entry.UnresolvedLoads; // loads shown as the register
        return string.Join(" ", verb.Params.Select(p => (asSubmitted & (1 << p.Arg)) != 0 && SqeFlags.LoadOf(flags, p.Arg) != SqeFlags.RegNone
            ? $"{p.Name}=r{SqeFlags.LoadOf(flags, p.Arg)}{Half(args[p.Arg])}"
            : $"{p.Name}={Format(loaded, p, args)}"));
    }

    private static string Format(LoadedProgram loaded, VerbParam param, ulong[] args)
    {
        var value = args[param.Arg];
        return param.Kind switch
        {
            ParamKind.Path => Path(loaded, value, args[param.Arg + 1]),
            ParamKind.Buffer => Address(loaded, value),
            ParamKind.SignedOffset => ((long)value).ToString(CultureInfo.InvariantCulture),
            ParamKind.Fd when value == Abi.Err => "ERR",
            _ => NamedConstants.Format(param.Kind, value) ?? Number(value),
        };
    }

    private static string Preview(TraceEntry entry) =>
        entry.Bytes.Length == 0 ? "" : Disassembler.Quote(entry.Bytes) + (entry.Operation.Result > (ulong)entry.Bytes.Length ? "..." : "");

    private static string Path(LoadedProgram loaded, ulong address, ulong length)
    {
        var offset = address - loaded.ImageAddress;
        return address >= loaded.ImageAddress && offset <= uint.MaxValue && loaded.Program.SymbolAt((uint)offset) is { } symbol && symbol.Size == length
            ? Address(loaded, address)
            : $"{Address(loaded, address)}:{Number(length)}";
    }

    private static string Address(LoadedProgram loaded, ulong address)
    {
        var offset = address - loaded.ImageAddress;
        if (address >= loaded.ImageAddress && offset <= uint.MaxValue && loaded.Program.SymbolAt((uint)offset) is { } symbol)
        {
            return symbol.IsLiteral && symbol.Initial is not null ? Disassembler.Quote(symbol.Initial) : symbol.Name;
        }

        return $"0x{address:x}";
    }

    private static string Half(ulong modifier) => (LoadModifier)modifier switch
    {
        LoadModifier.Low32 => ".lo",
        LoadModifier.High32 => ".hi",
        _ => "",
    };

    private static string Number(ulong value) => value == Abi.Err ? "ERR" : value.ToString(CultureInfo.InvariantCulture);
}
