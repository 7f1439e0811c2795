using System.CommandLine;
using VerbRing.Kernel;
using VerbRing.Kernel.Server;

namespace VerbRing.Cli;

/// <summary>
/// <c>verbring serve --socket PATH [--max-clients N] [--socket-mode MODE] [--allow-uid UID] [--allow-gid GID]
/// [--metrics-interval SECONDS] [--log-level LEVEL] [--diagnostics] [--seed DIR | --fs DIR] [--mount ...] [--allow ...]
/// [--deny ...]</c>: hosts one namespace for many clients, each ring under the same policy, over a Unix domain socket,
/// as a hosted service (ServeHost) until told to stop (Ctrl+C, SIGTERM; exit 0). A path it cannot listen on is one
/// line and exit 1, the path left as it was.
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
        var metricsInterval = new Option<double>("--metrics-interval")
        {
            Description = "Log the VerbRing meter's values every this many seconds (0, the default: never). Needs no diagnostic port.",
            HelpName = "seconds",
        };
        var logLevel = new Option<string>("--log-level")
        {
            Description = "The least severe log line written to stderr: Trace, Debug, Information (the default), Warning (only refusals), Error, Critical or None.",
            HelpName = "level",
        };
        var diagnostics = new Option<bool>("--diagnostics")
        {
            Description = "Keep .NET's diagnostic port open so dotnet-counters can attach. It lets any process of this user load code into the server and read every ring: for development only.",
        };
        var sandbox = new SandboxOptions();
        var limits = new ServerLimits();
        var command = new Command("serve", "Host a namespace for clients over a Unix socket, each ring under the policy given here (see spec/transport.md).");
        command.Options.Add(socket);
        command.Options.Add(maxClients);
        command.Options.Add(socketMode);
        command.Options.Add(allowUid);
        command.Options.Add(allowGid);
        command.Options.Add(metricsInterval);
        command.Options.Add(logLevel);
        command.Options.Add(diagnostics);
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

            var interval = result.GetValue(metricsInterval);
            if (!(interval >= 0 && interval <= TimeSpan.MaxValue.TotalSeconds / 2))
            {
                console.Error.WriteLine("verbring: --metrics-interval is a number of seconds, 0 or more.");
                return CliApp.BadUsage;
            }

            if (!ServeHost.TryParseLevel(result.GetValue(logLevel), out var level))
            {
                console.Error.WriteLine($"verbring: --log-level {result.GetValue(logLevel)}: write Trace, Debug, Information, Warning, Error, Critical or None.");
                return CliApp.BadUsage;
            }

            using var logging = ServeHost.CreateLogging(level);
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
                    Logger = logging.CreateLogger("VerbRing.Server"),
                }));
            }
            catch (IOException e)
            {
                console.Error.WriteLine($"verbring: {e.Message}");
                return CliApp.BadUsage;
            }

            ServeHost.Run(server, logging, result.GetValue(diagnostics), TimeSpan.FromSeconds(interval), () =>
            {
                console.Out.WriteLine($"verbring: serving on {server.SocketPath}");
                console.Out.Flush();
            });
            return CliApp.Ran;
        });
        return command;
    }
}
