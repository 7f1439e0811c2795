using System.Globalization;
using System.Text.Json;
using VerbRing.Registers;
using VerbRing.Verbs;

namespace VerbRing.Kernel.Tracing;

/// <summary>
/// Writes a traced run as Chrome trace-event JSON — the format Perfetto (ui.perfetto.dev) and chrome://tracing open:
/// a track of enters, and a track per chain with one span per step from its dispatch to its completion, so the
/// time a step pended is the span's length. Times are the kernel's clock in microseconds since the first enter (a
/// run on a virtual clock gives the same file every time); register loads and saves are the spans' args.
/// </summary>
// Design: the kernel reports completions (with their times) and enters, not dispatches, so a step's dispatch is
// derived from the rule the interpreter follows (spec/semantics.md): a chain's head is dispatched by the enter that
// consumed it, a member right after its predecessor completed. Steps are consumed in program order, whole chains per
// enter, so the enters' consumed counts say which enter took which head.
public static class ChromeTrace
{
    private const int Pid = 1;
    private const int EnterTrack = 1;
    private const int FirstChainTrack = 2;

    /// <summary>The run as one Chrome trace-event JSON document, <paramref name="title"/> naming its process.</summary>
    public static string Render(TracedRun traced, string title = "verbring run")
    {
        using var stream = new MemoryStream();
        Write(traced, stream, title);
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>Writes <see cref="Render"/>'s document to <paramref name="stream"/>.</summary>
    public static void Write(TracedRun traced, Stream stream, string title = "verbring run")
    {
        ArgumentNullException.ThrowIfNull(traced);
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(title);
        var origin = traced.Enters.Count > 0 ? traced.Enters[0].Began : TimeSpan.Zero;
        var spans = new List<Span>();
        foreach (var enter in traced.Enters)
        {
            spans.Add(new Span(enter.Began - origin, enter.Ended - enter.Began, EnterTrack, $"enter {enter.Amount}, {enter.Wait}", "enter", json =>
            {
                json.WriteNumber("amount", enter.Amount);
                json.WriteNumber("wait", enter.Wait);
                json.WriteNumber("consumed", enter.Consumed);
                json.WriteString("errno", enter.Error.ToString());
            }));
        }

        spans.AddRange(Steps(traced, origin));
        using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteString("displayTimeUnit", "ns");
        json.WriteStartArray("traceEvents");
        Metadata(json, "process_name", 0, title);
        Metadata(json, "thread_name", EnterTrack, "enters");
        var chains = traced.Loaded.Program.Chains;
        for (var c = 0; c < chains.Count; c++)
        {
            var (start, count) = chains[c];
            Metadata(json, "thread_name", FirstChainTrack + c, count == 1 ? $"chain {c}: step {start}" : $"chain {c}: steps {start}-{start + count - 1}");
        }

        // In time order; at one instant the longer span first, so that a span nested in another (a member cancelled
        // while its predecessor still pended) follows its parent, as trace viewers expect.
        foreach (var span in spans.OrderBy(s => s.Start).ThenByDescending(s => s.Duration))
        {
            json.WriteStartObject();
            json.WriteString("name", span.Name);
            json.WriteString("cat", span.Category);
            json.WriteString("ph", "X");
            json.WriteNumber("ts", Microseconds(span.Start));
            json.WriteNumber("dur", Microseconds(span.Duration));
            json.WriteNumber("pid", Pid);
            json.WriteNumber("tid", span.Track);
            json.WriteStartObject("args");
            span.Args(json);
            json.WriteEndObject();
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    /// <summary>One span per step: its dispatch (derived, see the design note), its completion, its args.</summary>
    private static List<Span> Steps(TracedRun traced, TimeSpan origin)
    {
        var loaded = traced.Loaded;
        var program = loaded.Program;
        var sqes = loaded.Sqes.ToArray();
        var end = traced.Enters.Select(e => e.Ended).Concat(traced.Trace.Select(e => e.CompletedAt)).DefaultIfEmpty(origin).Max();
        var completed = new TimeSpan?[sqes.Length];
        var lines = TraceRenderer.Lines(traced);
        var rows = TraceRenderer.Rows(traced);
        foreach (var line in lines)
        {
            if (line.Entry is { } entry)
            {
                completed[line.Step] = entry.CompletedAt;
            }
        }

        var consumedBy = HeadDispatches(traced.Enters, sqes.Length);
        var spans = new List<Span>(lines.Count);
        for (var i = 0; i < lines.Count; i++)
        {
            var (step, late, entry) = lines[i];
            var row = rows[i];
            var head = step == 0 || !SqeFlags.IsLinked(sqes[step - 1].Flags);
            var done = entry?.CompletedAt ?? end;
            var dispatched = head ? consumedBy[step] ?? done : completed[step - 1] ?? done;
            dispatched = dispatched > done ? done : dispatched;
            var source = program.Source.Steps[step];
            var tag = source.Tag is { } explicitTag ? $" tag {explicitTag}" : "";
            var name = $"{row.Verb} step {step}{tag} (line {source.Where.Line})";
            var chain = ChainOf(program.Chains, step);
            var outcome = entry is null ? "never completed" : late ? "cancelled at the deadline" : Outcome(entry.Operation.Outcome);
            spans.Add(new Span(dispatched - origin, done - dispatched, FirstChainTrack + chain, name, "step", json =>
            {
                json.WriteNumber("step", step);
                json.WriteNumber("line", source.Where.Line);
                json.WriteNumber("data", sqes[step].Data);
                json.WriteString("outcome", outcome);
                json.WriteString("arguments", row.Arguments);
                json.WriteString("result", row.Result);
                json.WriteString("errno", row.Errno);
                if (row.Bytes.Length > 0)
                {
                    json.WriteString("bytes", row.Bytes);
                }

                if (entry is not null)
                {
                    RegisterArgs(json, sqes[step].Flags, entry.Operation);
                }
            }));
        }

        return spans;
    }

    /// <summary>Loads (argument ← register = value, as the verb got it) and the save (register = result) of a step that ran.</summary>
    private static void RegisterArgs(Utf8JsonWriter json, uint flags, TracedOperation op)
    {
        if (op.Outcome != TracedOutcome.Ran)
        {
            return; // nothing loaded, nothing saved
        }

        ulong[] args = [op.Arg0, op.Arg1, op.Arg2, op.Arg3, op.Arg4];
        var names = VerbCatalogue.Find(op.Op)?.Params.ToDictionary(p => p.Arg, p => p.Name) ?? [];
        var loads = Enumerable.Range(0, 5).Where(a => SqeFlags.LoadOf(flags, a) != SqeFlags.RegNone).ToList();
        if (loads.Count > 0)
        {
            json.WriteStartObject("loads");
            foreach (var a in loads)
            {
                json.WriteString(names.GetValueOrDefault(a, $"arg{a}"), $"r{SqeFlags.LoadOf(flags, a)} = {Number(args[a])}");
            }

            json.WriteEndObject();
        }

        var save = SqeFlags.SaveOf(flags);
        if (save != SqeFlags.RegNone && op.Error != Errno.ECANCELED)
        {
            json.WriteString("saves", $"r{save} = {Number(op.Result)}");
        }
    }

    /// <summary>For each step that heads a chain, when the enter that consumed it began (null: no enter known).</summary>
    private static TimeSpan?[] HeadDispatches(IReadOnlyList<TracedEnter> enters, int steps)
    {
        var began = new TimeSpan?[steps];
        var next = 0;
        foreach (var enter in enters)
        {
            for (var k = 0u; k < enter.Consumed && next < steps; k++)
            {
                began[next++] = enter.Began;
            }
        }

        return began;
    }

    private static int ChainOf(IReadOnlyList<(int Start, int Count)> chains, int step)
    {
        for (var c = 0; c < chains.Count; c++)
        {
            if (step < chains[c].Start + chains[c].Count)
            {
                return c;
            }
        }

        return chains.Count; // not reached: every step belongs to a chain
    }

    private static string Outcome(TracedOutcome outcome) => outcome switch
    {
        TracedOutcome.Ran => "ran",
        TracedOutcome.Refused => "refused (EINVAL before loading)",
        TracedOutcome.Cancelled => "not run (LINK predecessor failed)",
        _ => "denied by the ring's policy",
    };

    private static void Metadata(Utf8JsonWriter json, string kind, int track, string name)
    {
        json.WriteStartObject();
        json.WriteString("name", kind);
        json.WriteString("ph", "M");
        json.WriteNumber("ts", 0);
        json.WriteNumber("pid", Pid);
        json.WriteNumber("tid", track);
        json.WriteStartObject("args");
        json.WriteString("name", name);
        json.WriteEndObject();
        json.WriteEndObject();
    }

    /// <summary>A time in microseconds, to the 0.1 µs a TimeSpan holds.</summary>
    private static decimal Microseconds(TimeSpan time) => time.Ticks / 10m;

    private static string Number(ulong value) => value == Abi.Err ? "ERR" : value.ToString(CultureInfo.InvariantCulture);

    private sealed record Span(TimeSpan Start, TimeSpan Duration, int Track, string Name, string Category, Action<Utf8JsonWriter> Args);
}
