using System.CommandLine;
using System.Reflection;
using VerbRing.Kernel;
using VerbRing.Tooling;
using VerbRing.Tooling.Benchmarking;

namespace VerbRing.Cli;

/// <summary>
/// <c>verbring bench [--kernel K] [--json] [--sample-ms N] [--samples N] [--hogs N] [--plot FILE.svg]</c>: the quick version of the
/// benchmark suite's chain and per-SQE groups (the same workloads, each checking its own results) on every kernel —
/// the server one in a <c>verbring serve</c> process of its own, where the chain is also entered over the plain
/// socket as the handoff's baseline — optionally beside N busy processes that bench starts and always stops.
/// Prints the ratios, a bar chart and where each target stands, or one JSON object; <c>--plot</c> also draws the ratios
/// as an SVG chart (<see cref="BenchChart"/>). Exit 0 when it measured, <see cref="CliApp.CheckFailed"/> when a workload saw a wrong
/// result. Unmet targets are reported, not failures.
/// </summary>
internal static class BenchCommand
{
    /// <summary>The most hogs bench starts: enough to oversubscribe any machine this runs on several times over.</summary>
    private const int MaxHogs = 64;

    /// <summary>The longest a hog lives, even if bench itself is killed outright.</summary>
    private static readonly TimeSpan HogLifetime = TimeSpan.FromMinutes(15);

    public static Command Create(CliConsole console)
    {
        var kernel = new Option<string>("--kernel") { Description = "Which kernels to measure.", DefaultValueFactory = _ => KernelChoice.All }.OneOf(KernelChoice.Placements.Keys);
        var json = new Option<bool>("--json") { Description = "Print one JSON object (measurements and targets) instead of tables." };
        var sampleMs = new Option<int>("--sample-ms") { Description = "Length of one sample in milliseconds.", DefaultValueFactory = _ => 20 };
        var samples = new Option<int>("--samples") { Description = "Samples per measurement (the median is reported).", DefaultValueFactory = _ => 5 };
        var hogs = new Option<int>("--hogs") { Description = "Busy processes to run beside the measurements (started and stopped by bench).", DefaultValueFactory = _ => 0 };
        var plot = new Option<string?>("--plot") { Description = "Also draw the ratio table as a bar chart into this .svg file.", HelpName = "FILE.svg" };
        var command = new Command("bench", "Measure chain against single calls and the per-SQE cost on each kernel, quickly (see docs/benchmarks.md for the full suite).");
        foreach (var option in new Option[] { kernel, json, sampleMs, samples, hogs, plot })
        {
            command.Options.Add(option);
        }

        command.SetAction(result => Run(
            console, KernelChoice.Placements[result.GetValue(kernel)!], result.GetValue(json), result.GetValue(sampleMs), result.GetValue(samples), result.GetValue(hogs),
            result.GetValue(plot)));
        return command;
    }

    internal static int Run(CliConsole console, IReadOnlyList<KernelPlacement> kernels, bool json, int sampleMs, int samples, int hogs, string? plot = null)
    {
        var problem = sampleMs is < 1 or > 10_000 ? "--sample-ms must be between 1 and 10000"
            : samples is < 1 or > 1000 ? "--samples must be between 1 and 1000"
            : hogs is < 0 or > MaxHogs ? $"--hogs must be between 0 and {MaxHogs}"
            : PlotProblem(plot);
        if (problem is not null)
        {
            console.Error.WriteLine($"verbring: {problem}");
            return CliApp.BadUsage;
        }

        var bench = new QuickBench(TimeSpan.FromMilliseconds(sampleMs), samples, hogs);
        try
        {
            using var busy = Hogs.Start(hogs, HogLifetime);
            using var host = new BenchHost(StartServer);
            bench.Run(host, kernels, json || console.Plain ? null : step => console.Error.WriteLine($"measuring {step}"));
            if (!busy.AllRunning)
            {
                console.Error.WriteLine($"verbring bench: a hog ended before the measurements did (each lives at most {HogLifetime.TotalMinutes:0} min)");
                return CliApp.CheckFailed;
            }
        }
        catch (BenchmarkCheckException e)
        {
            console.Error.WriteLine($"verbring bench: a benchmark's result check failed: {e.Message}");
            return CliApp.CheckFailed;
        }

        if (json)
        {
            console.Out.WriteLine(BenchOutput.Json(bench));
        }
        else
        {
            BenchOutput.Write(console, bench);
        }

        return plot is null ? CliApp.Ran : WritePlot(console, bench, plot);
    }

    /// <summary>What is wrong with <c>--plot</c>'s file, checked before anything is measured; null when nothing.</summary>
    private static string? PlotProblem(string? plot) =>
        plot is null ? null
        : !plot.EndsWith(".svg", StringComparison.OrdinalIgnoreCase) ? $"--plot takes a file name ending in .svg, not '{plot}'"
        : !Directory.Exists(Path.GetDirectoryName(Path.GetFullPath(plot))) ? $"--plot: the folder of '{plot}' does not exist"
        : null;

    private static int WritePlot(CliConsole console, QuickBench bench, string plot)
    {
        var title = $"verbring bench, {Environment.ProcessorCount} logical CPUs"
            + (bench.Hogs > 0 ? $", beside {bench.Hogs} busy processes" : "");
        try
        {
            File.WriteAllText(plot, BenchChart.Svg(bench.Results, title));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            console.Error.WriteLine($"verbring bench: cannot write '{plot}': {e.Message}");
            return CliApp.BadUsage;
        }

        if (!console.Plain)
        {
            console.Error.WriteLine($"chart: {plot}");
        }

        return CliApp.Ran;
    }

    /// <summary>This very tool, as a server process: its own executable, or its assembly under the dotnet host.</summary>
    private static ServerProcess StartServer()
    {
        var limit = TimeSpan.FromSeconds(30);
        var self = Environment.ProcessPath ?? "dotnet";
        if (Path.GetFileNameWithoutExtension(self) != "dotnet")
        {
            return ServerProcess.Start(self, [], limit);
        }

        var dll = Assembly.GetEntryAssembly()?.Location is { Length: > 0 } entry && entry.EndsWith("verbring.dll", StringComparison.Ordinal)
            ? entry
            : Path.Combine(AppContext.BaseDirectory, "verbring.dll");
        return ServerProcess.StartDll(dll, limit);
    }
}
