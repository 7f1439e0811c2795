using System.CommandLine;
using VerbRing.Kernel;
using VerbRing.Kernel.Server;

namespace VerbRing.Cli;

/// <summary>
/// <c>verbring serve --socket PATH [--max-clients N] [--socket-mode MODE] [--allow-uid UID] [--allow-gid GID]
/// [--seed DIR | --fs DIR] [--mount ...] [--allow ...] [--deny ...]</c>: hosts one namespace for many clients, each
/// ring under the same policy, over a Unix domain socket until interrupted (Ctrl+C, SIGTERM). A path it cannot
/// listen on is one line and exit 1, the path left as it was.
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
        var socketMode = new Option<string>("--socket-mode")
        {
            Description = "The socket file's mode, in octal: 600 (the default) lets only this user connect, 660 its group too (serve the group with --allow-gid).",
            Arity = ArgumentArity.ZeroOrOne, // a bare --socket-mode is this command's one-line error, not a parse error
        };
        var allowUid = new Option<string[]>("--allow-uid")
        {
            Description = "Serve this user id too (repeatable, or comma-separated); by default only the server's own user is served.",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var allowGid = new Option<string[]>("--allow-gid")
        {
            Description = "Serve members of this group id too (repeatable, or comma-separated).",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var sandbox = new SandboxOptions();
        var limits = new ServerLimits();
        var command = new Command("serve", "Host a namespace for clients over a Unix socket, each ring under the policy given here (see spec/transport.md).");
        command.Options.Add(socket);
        command.Options.Add(maxClients);
        command.Options.Add(socketMode);
        command.Options.Add(allowUid);
        command.Options.Add(allowGid);
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

            if (result.GetValue(maxClients) < 1)
            {
                console.Error.WriteLine("verbring: --max-clients must be at least 1.");
                return CliApp.BadUsage;
            }

            var bare = new Option[] { socketMode, allowUid, allowGid }.FirstOrDefault(o => result.GetResult(o) is { Implicit: false, Tokens.Count: 0 });
            var error = bare is null ? "" : $"{bare.Name} needs a value.";
            if (bare is not null
                || !ServeAccess.TryParseMode(result.GetValue(socketMode) ?? "600", out var mode, out error)
                || !ServeAccess.TryParseIds("--allow-uid", result.GetValue(allowUid), out var users, out error)
                || !ServeAccess.TryParseIds("--allow-gid", result.GetValue(allowGid), out var groups, out error))
            {
                console.Error.WriteLine($"verbring: {error}");
                return CliApp.BadUsage;
            }

            using var stop = new ManualResetEventSlim(false);
            RingServer server;
            try
            {
                server = new RingServer(factory, result.GetValue(socket)!.FullName, limits.Apply(result, new RingServerOptions
                {
                    Ring = new RingOptions { Policy = policy },
                    MaxClients = result.GetValue(maxClients),
                    SocketMode = mode,
                    AllowedUsers = users,
                    AllowedGroups = groups,
                }));
            }
            catch (IOException e)
            {
                console.Error.WriteLine($"verbring: {e.Message}");
                return CliApp.BadUsage;
            }

            using var serving = server;
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
