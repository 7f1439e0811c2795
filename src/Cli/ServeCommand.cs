using System.CommandLine;
using VerbRing.Kernel;
using VerbRing.Kernel.Server;

namespace VerbRing.Cli;

/// <summary>
/// <c>verbring serve --socket PATH [--max-clients N] [--seed DIR | --fs DIR] [--mount ...] [--allow ...] [--deny ...]</c>:
/// hosts one namespace for many clients, each ring under the same policy, over a Unix domain socket until
/// interrupted (Ctrl+C, SIGTERM).
/// </summary>
internal static class ServeCommand
{
    public static Command Create(CliConsole console)
    {
        var socket = new Option<FileInfo>("--socket") { Description = "The Unix domain socket to listen on.", Required = true };
        var maxClients = new Option<int>("--max-clients")
        {
            Description = "Rings at most; a client past it is refused with EAGAIN (connections still setting up do not count).",
            DefaultValueFactory = _ => new RingServerOptions().MaxClients,
        };
        maxClients.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() < 1)
            {
                r.AddError("--max-clients must be at least 1.");
            }
        });
        var sandbox = new SandboxOptions();
        var limits = new ServerLimits();
        var command = new Command("serve", "Host a namespace for clients over a Unix socket, each ring under the policy given here (see spec/transport.md).");
        command.Options.Add(socket);
        command.Options.Add(maxClients);
        limits.AddTo(command);
        sandbox.AddTo(command);
        command.SetAction(result =>
        {
            if (!sandbox.TryBuildNamespace(result, console, out var files))
            {
                return CliApp.BadUsage;
            }

            var factory = RingFactory.CreateDefault(fileSystem: files);
            if (!sandbox.TryBuildPolicy(result, factory.Verbs, console, out var policy))
            {
                return CliApp.BadUsage;
            }

            using var stop = new ManualResetEventSlim(false);
            using var server = new RingServer(factory, result.GetValue(socket)!.FullName, limits.Apply(result, new RingServerOptions
            {
                Ring = new RingOptions { Policy = policy },
                MaxClients = result.GetValue(maxClients),
            }));
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
