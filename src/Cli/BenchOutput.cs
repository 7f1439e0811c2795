using System.Globalization;
using System.Text.Json;
using Spectre.Console;
using VerbRing.Tooling.Benchmarking;

namespace VerbRing.Cli;

/// <summary>Prints a quick bench: a table of ratios and a bar chart on a terminal, plain columns when redirected, or JSON.</summary>
internal static class BenchOutput
{
    public static void Write(CliConsole console, QuickBench bench)
    {
        if (console.Plain)
        {
            WritePlain(console.Out, bench);
            return;
        }

        var terminal = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(console.Out) });
        var table = new Table().Border(TableBorder.Rounded).Title("each group against its first row, measured back to back");
        foreach (var column in new[] { "kernel", "group", "run", "ns", "per", "ratio", "alloc B" })
        {
            table.AddColumn(column is "ns" or "ratio" or "alloc B" ? new TableColumn(column).RightAligned() : new TableColumn(column));
        }

        foreach (var m in bench.Results)
        {
            var ratio = m.Ratio == 1 ? "[grey]1.00[/]" : Number(m.Ratio, "0.00");
            table.AddRow(QuickBench.Name(m.Kernel), m.Group, m.Name, Number(m.Nanoseconds, "0.0"), m.Per, ratio, Number(m.AllocatedBytes, "0"));
        }

        terminal.Write(table);
        var chart = new BarChart().Width(72).Label("[bold]single calls ÷ chain, per kernel (higher: the chain saves more)[/]");
        foreach (var kernel in bench.Results.Select(m => m.Kernel).Distinct())
        {
            var chain = bench.Results.First(m => m.Kernel == kernel && m.Group == "chain" && m.Name == "chain");
            var singles = bench.Results.First(m => m.Kernel == kernel && m.Group == "chain" && m.Name == "single calls");
            chart.AddItem(QuickBench.Name(kernel), Math.Round(singles.Nanoseconds / chain.Nanoseconds, 2), Color.Green);
        }

        terminal.Write(chart);
        var targets = new Table().Border(TableBorder.Rounded).Title("targets (docs/benchmarks.md)");
        targets.AddColumn("target");
        targets.AddColumn(new TableColumn("measured").RightAligned());
        targets.AddColumn(new TableColumn("limit").RightAligned());
        targets.AddColumn("");
        foreach (var t in bench.Targets())
        {
            targets.AddRow(
                Markup.Escape(t.Name), $"{Number(t.Measured, "0.00")} {Markup.Escape(t.Unit)}",
                $"{(t.AtMost ? "≤" : "≥")} {Number(t.Limit, "0.##")}", t.Met ? "[green]met[/]" : "[red]not met[/]");
        }

        terminal.Write(targets);
    }

    public static string Json(QuickBench bench)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            writer.WriteString("machine", $"{Environment.ProcessorCount} logical CPUs, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {Environment.Version}");
            writer.WriteNumber("hogs", bench.Hogs);
            writer.WriteStartArray("measurements");
            foreach (var m in bench.Results)
            {
                writer.WriteStartObject();
                writer.WriteString("kernel", QuickBench.Name(m.Kernel));
                writer.WriteString("group", m.Group);
                writer.WriteString("name", m.Name);
                writer.WriteString("per", m.Per);
                writer.WriteNumber("ns", Math.Round(m.Nanoseconds, 2));
                writer.WriteNumber("ratio", Math.Round(m.Ratio, 3));
                writer.WriteNumber("allocatedBytes", Math.Round(m.AllocatedBytes, 2));
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteStartArray("targets");
            foreach (var t in bench.Targets())
            {
                writer.WriteStartObject();
                writer.WriteString("target", t.Name);
                writer.WriteString("unit", t.Unit);
                writer.WriteNumber("measured", Math.Round(t.Measured, 3));
                writer.WriteString("comparison", t.AtMost ? "<=" : ">=");
                writer.WriteNumber("limit", t.Limit);
                writer.WriteBoolean("met", t.Met);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    private static void WritePlain(TextWriter output, QuickBench bench)
    {
        output.WriteLine($"{"kernel",-14} {"group",-9} {"run",-13} {"ns",10} {"per",-6} {"ratio",6} {"alloc B",8}");
        foreach (var m in bench.Results)
        {
            output.WriteLine($"{QuickBench.Name(m.Kernel),-14} {m.Group,-9} {m.Name,-13} {Number(m.Nanoseconds, "0.0"),10} {m.Per,-6} {Number(m.Ratio, "0.00"),6} {Number(m.AllocatedBytes, "0"),8}");
        }

        output.WriteLine();
        foreach (var t in bench.Targets())
        {
            output.WriteLine($"{(t.Met ? "met    " : "NOT MET")}  {t.Name}: {Number(t.Measured, "0.00")} {t.Unit} ({(t.AtMost ? "<=" : ">=")} {Number(t.Limit, "0.##")})");
        }
    }

    private static string Number(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);
}
