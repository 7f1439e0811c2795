using System.CommandLine;
using VerbRing.Kernel;
using VerbRing.Verbs.Programs;

namespace VerbRing.Cli;

/// <summary><c>verbring check FILE</c>: assemble and verify without running; errors exit 2, warnings do not.</summary>
internal static class CheckCommand
{
    public static Command Create(CliConsole console)
    {
        var options = new CommonOptions();
        var command = new Command("check", "Assemble and verify a .vr program without running it (errors exit 2).");
        options.AddTo(command);
        command.SetAction(result =>
        {
            var capacity = new RingCapacity(result.GetValue(options.Sq), result.GetValue(options.Memory));
            if (!RunCommand.RingOptionsAreValid(new RingOptions { SqEntries = capacity.SqEntries, UserMemorySize = capacity.UserMemorySize }, console))
            {
                return CliApp.BadUsage;
            }

            var program = ProgramFiles.Load(options, result, capacity, console);
            if (program is null)
            {
                return CliApp.BadProgram;
            }

            console.Out.WriteLine($"ok: {Count(program.Sqes.Length, "step")} in {Count(program.Chains.Count, "chain")}, {Count(program.Image.Length, "byte")} of user memory, {Count(program.Warnings.Count, "warning")}");
            return CliApp.Ran;
        });
        return command;
    }

    /// <summary>"1 step", "2 steps", "0 steps".</summary>
    private static string Count(int n, string noun) => n == 1 ? $"1 {noun}" : $"{n} {noun}s";
}
