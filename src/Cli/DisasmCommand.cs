using System.CommandLine;
using VerbRing.Registers;
using VerbRing.Verbs.Programs;

namespace VerbRing.Cli;

/// <summary>
/// <c>verbring disasm FILE</c>: assemble a program and print its SQEs back as <c>.vr</c> text, each line followed
/// by the raw SQE in a comment. The output assembles to the same SQEs.
/// </summary>
internal static class DisasmCommand
{
    public static Command Create(CliConsole console)
    {
        var options = new CommonOptions();
        var command = new Command("disasm", "Show a program's SQEs as .vr text, with each raw SQE in a comment.");
        options.AddTo(command);
        command.SetAction(result =>
        {
            var program = ProgramFiles.Load(options, result, new RingCapacity(result.GetValue(options.Sq), result.GetValue(options.Memory)), console);
            if (program is null)
            {
                return CliApp.BadProgram;
            }

            var lines = Disassembler.Disassemble(program).TrimEnd('\n').Split('\n');
            var firstStep = lines.Length - program.Sqes.Length;
            var width = lines.Skip(firstStep).DefaultIfEmpty("").Max(l => l.Length);
            for (var i = 0; i < lines.Length; i++)
            {
                if (i < firstStep)
                {
                    console.Out.WriteLine(lines[i]);
                    continue;
                }

                var sqe = program.Sqes[i - firstStep];
                console.Out.WriteLine($"{lines[i].PadRight(width)}  # {Raw(sqe)}");
            }

            return CliApp.Ran;
        });
        return command;
    }

    private static string Raw(Sqe sqe) =>
        $"op={sqe.Op} flags=0x{sqe.Flags:x5} data={sqe.Data} timeout={sqe.Timeout} args=0x{sqe.Arg0:x},0x{sqe.Arg1:x},0x{sqe.Arg2:x},0x{sqe.Arg3:x},0x{sqe.Arg4:x}";
}
