using System.CommandLine;

namespace VerbRing.Cli;

/// <summary>
/// The <c>verbring</c> command line: <c>run</c>, <c>check</c>, <c>disasm</c>, <c>demo</c>. Exit codes: 0 the
/// program ran (verbs that failed are results, not crashes); 1 bad command-line input; 2 the program cannot be
/// read, assembled or checked; 3 completions were still missing at the deadline.
/// <c>fuzz</c> and <c>bench</c> exit 4 (<see cref="CheckFailed"/>) when a fuzz round or a benchmark's own result
/// check failed.
/// </summary>
internal static class CliApp
{
    public const int Ran = 0;
    public const int BadUsage = 1;
    public const int BadProgram = 2;
    public const int Incomplete = 3;
    public const int CheckFailed = 4;

    /// <summary>Runs the command line with the given writers (tests pass their own).</summary>
    public static int Run(string[] args, TextWriter output, TextWriter error, bool? plain = null)
    {
        var console = new CliConsole(output, error, plain ?? (Console.IsOutputRedirected || output != Console.Out));
        var root = new RootCommand(
            "VerbRing: programmable, register-linked I/O rings (a model of PatchworkOS's ring).\n" +
            "Write a linked program in the .vr assembly format (see spec/assembly.md), check it, run it, read its trace.\n" +
            "With no command, runs the design card's chain as a demo.");
        root.Subcommands.Add(RunCommand.Create(console));
        root.Subcommands.Add(CheckCommand.Create(console));
        root.Subcommands.Add(DisasmCommand.Create(console));
        root.Subcommands.Add(DemoCommand.Create(console));
        root.Subcommands.Add(ServeCommand.Create(console));
        root.Subcommands.Add(FuzzCommand.Create(console));
        root.Subcommands.Add(BenchCommand.Create(console));
        root.SetAction(_ => DemoCommand.Run(console));
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var parseError in parsed.Errors)
            {
                error.WriteLine($"verbring: {parseError.Message}");
            }

            error.WriteLine("Try 'verbring --help'.");
            return BadUsage;
        }

        return parsed.Invoke(new InvocationConfiguration { Output = output, Error = error });
    }
}

/// <summary>Where the CLI writes, and whether it may use colours and tables.</summary>
internal sealed record CliConsole(TextWriter Out, TextWriter Error, bool Plain);
