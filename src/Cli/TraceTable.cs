using Spectre.Console;
using VerbRing.Kernel.Tracing;

namespace VerbRing.Cli;

/// <summary>Prints a trace: a Spectre.Console table on a terminal, the deterministic plain text when redirected.</summary>
internal static class TraceTable
{
    public static void Write(CliConsole console, TracedRun traced)
    {
        if (console.Plain)
        {
            console.Out.Write(TraceRenderer.RenderText(traced));
            return;
        }

        var terminal = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(console.Out) });
        var table = new Table().Border(TableBorder.Rounded);
        var header = TraceRenderer.Header;
        table.AddColumn(new TableColumn(header.Step).RightAligned());
        table.AddColumn(header.Verb);
        table.AddColumn(header.Arguments);
        table.AddColumn(new TableColumn(header.Result).RightAligned());
        table.AddColumn(header.Errno);
        table.AddColumn(header.Bytes);
        foreach (var row in TraceRenderer.Rows(traced))
        {
            var errno = row.Errno == "OK" ? "[green]OK[/]" : $"[red]{Markup.Escape(row.Errno)}[/]";
            table.AddRow(
                Markup.Escape(row.Step), $"[bold]{Markup.Escape(row.Verb)}[/]", Markup.Escape(row.Arguments),
                Markup.Escape(row.Result), errno, $"[grey]{Markup.Escape(row.Bytes)}[/]");
        }

        terminal.Write(table);
        terminal.WriteLine(TraceRenderer.Registers(traced.Run));
    }
}
