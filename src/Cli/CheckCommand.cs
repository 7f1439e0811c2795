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
            var shape = new RingShape(result.GetValue(options.Sq), result.GetValue(options.Memory));
            if (!RunCommand.RingShapeIsValid(new RingOptions { SqEntries = shape.SqEntries, UserMemorySize = shape.UserMemorySize }, console))
            {
                return CliApp.BadUsage;
            }

            var program = ProgramFiles.Load(options, result, shape, console);
            if (program is null)
            {
                return CliApp.BadProgram;
            }

            console.Out.WriteLine($"ok: {program.Sqes.Length} steps in {program.Chains.Count} chains, {program.Image.Length} bytes of user memory, {program.Warnings.Count} warnings");
            return CliApp.Ran;
        });
        return command;
    }
}
