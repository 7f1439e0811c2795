using System.CommandLine;
using VerbRing.Kernel;
using VerbRing.Kernel.Server;

namespace VerbRing.Cli;

/// <summary>
/// <c>verbring serve --socket PATH [--seed DIR]</c>: hosts one in-memory namespace for many clients over a Unix
/// domain socket until interrupted (Ctrl+C, SIGTERM) or, with <c>--exit-after</c>, for a fixed time.
/// </summary>
internal static class ServeCommand
{
    public static Command Create(CliConsole console)
    {
        var socket = new Option<FileInfo>("--socket") { Description = "The Unix domain socket to listen on.", Required = true };
        var seed = new Option<DirectoryInfo?>("--seed") { Description = "Copy this host folder's files into the namespace first." };
        var command = new Command("serve", "Host the in-memory namespace for clients over a Unix socket (see spec/transport.md).");
        command.Options.Add(socket);
        command.Options.Add(seed);
        command.SetAction(result =>
        {
            var files = new MemoryNamespace();
            if (!ProgramFiles.TrySeed(files, result.GetValue(seed), console))
            {
                return CliApp.BadUsage;
            }

            using var stop = new ManualResetEventSlim(false);
            using var server = new RingServer(RingFactory.CreateDefault(fileSystem: files), result.GetValue(socket)!.FullName);
            ConsoleCancelEventHandler onCancel = (_, e) =>
            {
                e.Cancel = true;
                stop.Set();
            };
            Console.CancelKeyPress += onCancel;
            using var onTerm = System.Runtime.InteropServices.PosixSignalRegistration.Create(
                System.Runtime.InteropServices.PosixSignal.SIGTERM, context =>
                {
                    context.Cancel = true;
                    stop.Set();
                });
            console.Out.WriteLine($"verbring: serving on {server.SocketPath}");
            console.Out.Flush();
            stop.Wait();
            Console.CancelKeyPress -= onCancel;
            return CliApp.Ran;
        });
        return command;
    }
}
