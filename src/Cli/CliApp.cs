using System.CommandLine;
using System.CommandLine.Help;
using System.Globalization;
using System.Text.RegularExpressions;

namespace VerbRing.Cli;

/// <summary>
/// The <c>verbring</c> command line: <c>run</c>, <c>check</c>, <c>disasm</c>, <c>demo</c>, <c>serve</c>,
/// <c>fuzz</c>, <c>bench</c>, and <c>help</c>. Exit codes (<see cref="ExitCodes"/>): 0 the program ran (verbs that
/// failed are results, not crashes); 1 bad command-line input; 2 the program cannot be read, assembled or checked;
/// 3 completions were still missing at the deadline; 4 a fuzz round or a benchmark's own result check failed;
/// 70 a bug in verbring itself. Whatever goes wrong, the user sees one line, never a stack trace.
/// </summary>
internal static partial class CliApp
{
    public const int Ran = 0;
    public const int BadUsage = 1;
    public const int BadProgram = 2;
    public const int Incomplete = 3;
    public const int CheckFailed = 4;
    public const int InternalError = 70; // EX_SOFTWARE in sysexits.h

    /// <summary>The exit-code table, as <c>--help</c> and the README show it.</summary>
    public const string ExitCodes =
        "Exit codes: 0 ran (failed verbs are results); 1 bad command-line input; 2 the program cannot be read, assembled\n" +
        "or checked; 3 completions missing at the deadline; 4 a fuzz or bench check failed; 70 a bug in verbring.";

    /// <summary>Runs the command line with the given writers (tests pass their own).</summary>
    public static int Run(string[] args, TextWriter output, TextWriter error, bool? plain = null)
    {
        var console = new CliConsole(output, error, plain ?? (Console.IsOutputRedirected || output != Console.Out));
        var root = CreateRoot(console);
        ParseResult parsed;
        try
        {
            parsed = Parse(root, args);
        }
        catch (Exception e) when (e is FormatException or OverflowException or ArgumentException or InvalidOperationException)
        {
            error.WriteLine($"verbring: {e.Message}");
            return BadUsage;
        }

        // "help NAME" for a NAME that is no command would print verbring's own help and exit 0: say so instead.
        if (args is ["help", var name, ..] && !name.StartsWith('-') && !root.Subcommands.Any(c => c.Name == name))
        {
            error.WriteLine($"verbring: help {name}: no such command; the commands are {string.Join(", ", root.Subcommands.Select(c => c.Name))}");
            return BadUsage;
        }

        if (parsed.Errors.Count > 0)
        {
            // One line each, no "Try --help" line after: the line says what the option takes.
            foreach (var message in parsed.Errors.Select(e => e.Message).Distinct(StringComparer.Ordinal))
            {
                error.WriteLine(message.StartsWith("verbring: ", StringComparison.Ordinal) ? message : $"verbring: {message}");
            }

            return BadUsage;
        }

        if (parsed.Action is HelpAction)
        {
            return WriteHelp(parsed, output);
        }

        try
        {
            return parsed.Invoke(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false });
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            error.WriteLine($"verbring: internal error ({e.GetType().Name}): {e.Message.ReplaceLineEndings(" ")} — please report it");
            return InternalError;
        }
    }

    /// <summary>What parsing <paramref name="args"/> would complain about, without running anything (docs' tests).</summary>
    internal static IReadOnlyList<string> ParseErrors(string[] args) =>
        [.. Parse(CreateRoot(new CliConsole(TextWriter.Null, TextWriter.Null, Plain: true)), args).Errors.Select(e => e.Message)];

    /// <summary>
    /// Parses as verbring reads a command line: <c>help [command]</c> is <c>[command] --help</c>, and there are no
    /// response files (<c>@prog.vr</c> is a file name, not a list of arguments to splice in).
    /// </summary>
    private static ParseResult Parse(RootCommand root, string[] args) =>
        root.Parse(args is ["help", .. var rest] ? [.. rest, "--help"] : args, new ParserConfiguration { ResponseFileTokenReplacer = null });

    private static RootCommand CreateRoot(CliConsole console)
    {
        var root = new RootCommand(
            "VerbRing: programmable, register-linked I/O rings (a model of PatchworkOS's ring).\n" +
            "Write a linked program in the .vr assembly format (see spec/assembly.md), check it, run it, read its trace.\n" +
            ExitCodes);
        root.Subcommands.Add(RunCommand.Create(console));
        root.Subcommands.Add(CheckCommand.Create(console));
        root.Subcommands.Add(DisasmCommand.Create(console));
        root.Subcommands.Add(DemoCommand.Create(console));
        root.Subcommands.Add(ServeCommand.Create(console));
        root.Subcommands.Add(FuzzCommand.Create(console));
        root.Subcommands.Add(BenchCommand.Create(console));
        root.Subcommands.Add(new Command("help", "Show the help of verbring or of one command (verbring help run)."));
        OptionParsers.ParseReadably(root);
        root.SetAction(_ => WriteIntroduction(root, console.Out));
        var help = root.Options.OfType<HelpOption>().Single();

        // Windows spellings of --help: as aliases they split '--mount /h=DIR' into '/h' and 'DIR' and print help.
        help.Aliases.Remove("/h");
        help.Aliases.Remove("/?");
        return root;
    }

    /// <summary>Help, with each duration's default shown as the option takes it (10s), not as TimeSpan prints it (00:00:10).</summary>
    private static int WriteHelp(ParseResult parsed, TextWriter output)
    {
        using var text = new StringWriter();
        var code = parsed.Invoke(new InvocationConfiguration { Output = text });
        output.Write(TimeSpanDefault().Replace(text.ToString(), m => $"[default: {OptionParsers.FormatDuration(TimeSpan.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture))}]"));
        return code;
    }

    [GeneratedRegex(@"\[default: (\d+:\d\d:\d\d(?:\.\d+)?)\]")]
    private static partial Regex TimeSpanDefault();

    /// <summary><c>verbring</c> alone: the help's first lines, the commands, and where to start.</summary>
    private static int WriteIntroduction(RootCommand root, TextWriter output)
    {
        output.WriteLine(root.Description);
        output.WriteLine();
        output.WriteLine("Usage: verbring <command> [options]   (verbring help <command> for its options)");
        output.WriteLine();
        output.WriteLine("Commands:");
        var width = root.Subcommands.Max(c => c.Name.Length);
        foreach (var command in root.Subcommands)
        {
            output.WriteLine($"  {command.Name.PadRight(width)}  {command.Description?.Split('\n')[0]}");
        }

        output.WriteLine();
        output.WriteLine("New here? 'verbring demo' runs the design card's chain; 'verbring run examples/hello.vr' traces it as a program.");
        return Ran;
    }
}

/// <summary>Where the CLI writes, and whether it may use colours and tables.</summary>
internal sealed record CliConsole(TextWriter Out, TextWriter Error, bool Plain);
