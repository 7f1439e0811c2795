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

            var lines = Disassembler.Lines(program);
            var width = lines.Where(l => l.Step >= 0).Select(l => l.Text.Length).DefaultIfEmpty(0).Max();
            foreach (var (text, step) in lines)
            {
                console.Out.WriteLine(step < 0 ? text : $"{text.PadRight(width)}  # {Raw(program.Sqes[step])}");
            }

            return CliApp.Ran;
        });
        return command;
    }

    private static string Raw(Sqe sqe) =>
        $"op={sqe.Op} flags=0x{sqe.Flags:x5} data={sqe.Data} timeout={sqe.Timeout} args=0x{sqe.Arg0:x},0x{sqe.Arg1:x},0x{sqe.Arg2:x},0x{sqe.Arg3:x},0x{sqe.Arg4:x}";
}
