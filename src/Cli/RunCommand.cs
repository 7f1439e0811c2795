using System.CommandLine;
using VerbRing.Kernel;
using VerbRing.Kernel.Tracing;
using VerbRing.Verbs;
using VerbRing.Verbs.Client;
using VerbRing.Verbs.Time;

namespace VerbRing.Cli;

/// <summary>
/// <c>verbring run FILE</c>: assemble, check, run on the in-memory namespace (seeded from <c>--seed DIR</c>) or a host
/// folder (<c>--fs</c>, <c>--mount</c>) under the ring policy <c>--allow</c>/<c>--deny</c> say, wait
/// for every completion up to <c>--timeout</c>, print the trace (or <c>--json</c>).
/// </summary>
internal static class RunCommand
{
    public static Command Create(CliConsole console)
    {
        var options = new CommonOptions();
        var json = new Option<bool>("--json") { Description = "Print one JSON object (completions in CQE order, registers) instead of the trace." };
        var traceOut = new Option<FileInfo?>("--trace-out")
        {
            HelpName = "file",
            Description = "Also write the run as Chrome trace-event JSON (open it in ui.perfetto.dev or chrome://tracing): a span per step from dispatch to completion, the enters, register loads and saves.",
        };
        var command = new Command("run", "Assemble, check and run a .vr program on the in-memory namespace, then print its trace.");
        options.AddTo(command, run: true);
        command.Options.Add(json);
        command.Options.Add(traceOut);
        command.SetAction(result => Run(console, options, result, result.GetValue(json), result.GetValue(traceOut)));
        return command;
    }

    private static int Run(CliConsole console, CommonOptions options, ParseResult result, bool json, FileInfo? traceOut)
    {
        var ringOptions = options.RingOptions(result);
        if (!RingOptionsAreValid(ringOptions, console))
        {
            return CliApp.BadUsage;
        }

        var program = ProgramFiles.Load(options, result, ProgramHost.CapacityOf(ringOptions), console);
        if (program is null)
        {
            return CliApp.BadProgram;
        }

        var sandbox = options.Sandbox;
        var connect = result.GetValue(options.Connect);
        if (connect is not null && sandbox.AnyGiven(result))
        {
            console.Error.WriteLine("verbring: --connect runs on the server's namespace and policy: give --seed, --fs, --mount, --allow and --deny to 'verbring serve'");
            return CliApp.BadUsage;
        }

        if (!KernelOptionsAgree(options, result, console))
        {
            return CliApp.BadUsage;
        }

        if (!sandbox.TryBuildNamespace(result, console, out var files))
        {
            return CliApp.BadUsage;
        }

        TracedRun traced;
        if (connect is { } socket)
        {
            try
            {
                traced = ProgramHost.RunConnected(socket.FullName, program, ringOptions, result.GetValue(options.Timeout));
            }
            catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException)
            {
                console.Error.WriteLine($"verbring: --connect {socket}: {e.Message}");
                return CliApp.BadUsage;
            }
        }
        else
        {
            TimeProvider time = result.GetValue(options.VirtualTime) ? new ManualClock() : TimeProvider.System;
            var factory = RingFactory.CreateDefault(fileSystem: files, time: time);
            if (!sandbox.TryBuildPolicy(result, factory.Verbs, console, out var policy))
            {
                return CliApp.BadUsage;
            }

            ringOptions = ringOptions with { Policy = policy };
            traced = result.GetValue(options.Kernel) == KernelChoice.Server
                ? LocalServer.Run(factory, program, ringOptions, result.GetValue(options.Timeout))
                : ProgramHost.Run(factory, program, ringOptions, result.GetValue(options.Timeout), time);
        }

        if (traceOut is not null && !WriteChromeTrace(console, traced, traceOut, result.GetValue(options.File)))
        {
            return CliApp.BadUsage;
        }

        if (json)
        {
            console.Out.WriteLine(TraceRenderer.RenderJson(traced));
        }
        else
        {
            TraceTable.Write(console, traced);
        }

        if (!traced.Run.IsComplete)
        {
            console.Error.WriteLine($"verbring: {TraceRenderer.Steps(traced.Run.MissingSteps)} had not completed after {result.GetValue(options.Timeout).TotalSeconds:0.###} s and {(traced.Run.MissingSteps.Count == 1 ? "was" : "were")} cancelled");
            return CliApp.Incomplete;
        }

        return CliApp.Ran;
    }

    /// <summary>Writes the run to <paramref name="file"/> for Perfetto; a file that cannot be written is one line.</summary>
    private static bool WriteChromeTrace(CliConsole console, TracedRun traced, FileInfo file, string? program)
    {
        try
        {
            using var stream = file.Create();
            ChromeTrace.Write(traced, stream, $"verbring run {Path.GetFileName(program)}");
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            console.Error.WriteLine($"verbring: --trace-out {file}: {e.Message}");
            return false;
        }
    }

    /// <summary>
    /// Whether <c>--kernel</c>, <c>--virtual-time</c> and <c>--connect</c> go together: on someone else's server
    /// the server chose the kernel and its clock, and a server's clock is real.
    /// </summary>
    private static bool KernelOptionsAgree(CommonOptions options, ParseResult result, CliConsole console)
    {
        var kernelGiven = result.GetResult(options.Kernel) is { Implicit: false };
        var virtualTime = result.GetValue(options.VirtualTime);
        var problem = result.GetValue(options.Connect) is not null && (kernelGiven || virtualTime)
            ? $"--connect runs on the server's kernel and clock: drop {(kernelGiven && virtualTime ? "--kernel and --virtual-time" : kernelGiven ? "--kernel" : "--virtual-time")}"
            : virtualTime && result.GetValue(options.Kernel) == KernelChoice.Server
            ? "--virtual-time needs the kernel in this process: a server's clock is real (use --kernel in-process or kernel-thread)"
            : null;
        if (problem is not null)
        {
            console.Error.WriteLine($"verbring: {problem}");
        }

        return problem is null;
    }

    internal static bool RingOptionsAreValid(RingOptions options, CliConsole console)
    {
        try
        {
            _ = new VerbRing.Registers.RingLayout(options.SqEntries, options.CqEntries, options.UserMemorySize);
        }
        catch (ArgumentOutOfRangeException e)
        {
            var message = e.Message.Split(" (Parameter", 2)[0];
            console.Error.WriteLine($"verbring: {message} (--sq and --cq are powers of two up to {VerbRing.Registers.RingLayout.MaxEntries}; --memory at most {VerbRing.Registers.RingLayout.MaxUserMemory} bytes)");
            return false;
        }

        if (options.MaxDescriptors < 1)
        {
            console.Error.WriteLine("verbring: --fds must be at least 1");
            return false;
        }

        return true;
    }
}
