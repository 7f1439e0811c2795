using System.CommandLine;
using VerbRing.Kernel;
using VerbRing.Registers;
using VerbRing.Verbs;
using VerbRing.Verbs.Programs;

namespace VerbRing.Cli;

/// <summary>
/// <c>verbring demo</c>: the design card's chain open → write → seek → read → close in one enter on the in-memory
/// namespace, with the descriptor and the byte count flowing through registers; prints each CQE and the registers.
/// </summary>
internal static class DemoCommand
{
    public static Command Create(CliConsole console)
    {
        var command = new Command("demo", "Run the design card's chain (open → write → seek → read → close) in one enter and print the completions.");
        command.SetAction(_ => Run(console));
        return command;
    }

    public static int Run(CliConsole console)
    {
        var output = console.Out;
        using var ring = RingFactory.CreateDefault().Create();
        var greeting = ring.Memory.Put("Hello from the ring!\n");
        var path = ring.Memory.Put("/hello.txt");
        var buffer = ring.Memory.Reserve(64);

        Sqe[] chain =
        [
            Sqes.Open(path, OpenFlags.Read | OpenFlags.Write | OpenFlags.Create, save: Reg.R0, link: SqeLink.Link, data: 0),
            Sqes.Write(Reg.R0, greeting, greeting.Length, save: Reg.R1, link: SqeLink.Link, data: 1),
            Sqes.Seek(Reg.R0, 0, Whence.Set, link: SqeLink.Link, data: 2),
            Sqes.Read(Reg.R0, buffer, Reg.R1, save: Reg.R2, link: SqeLink.Link, data: 3),
            Sqes.Close(Reg.R0, data: 4),
        ];
        foreach (var sqe in chain)
        {
            ring.Push(sqe);
        }

        var entered = ring.Enter((uint)chain.Length, (uint)chain.Length);
        output.WriteLine($"enter({chain.Length}, {chain.Length}) consumed {entered.Consumed}, error {entered.Error}");
        output.WriteLine();
        output.WriteLine("step  verb   errno      result");
        while (ring.TryPop(out var cqe))
        {
            var verb = VerbCatalogue.NameOf(cqe.Op);
            var errno = (Errno)cqe.Error;
            var result = cqe.Succeeded ? cqe.Result.ToString() : "ERR";
            output.WriteLine($"{cqe.Data,4}  {verb,-6} {errno,-10} {result}");
        }

        output.WriteLine();
        output.WriteLine($"read back: {Disassembler.Quote(buffer.Span[..(int)Math.Min(ring.Registers[2], buffer.Length)])}");
        output.WriteLine();
        for (var r = 0; r < RegisterFile.Count; r++)
        {
            output.WriteLine($"r{r} = {ring.Registers[r]} (0x{ring.Registers[r]:x})");
        }

        return entered.IsSuccess ? 0 : 1;
    }
}
