using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using VerbRing.Kernel;
using VerbRing.Tooling.Fuzzing;

namespace VerbRing.Cli;

/// <summary>
/// <c>verbring fuzz [--seconds N] [--start-seed S] [--sqes N] [--rounds N] [--kernel K] [--json]</c>: random and mutated
/// SQE streams through every kernel, checked after every enter. Prints what ran and, for each failing round, its
/// seed and the command that runs it again. Exit 0 when nothing failed, <see cref="CliApp.CheckFailed"/> otherwise.
/// </summary>
internal static class FuzzCommand
{
    private const double DefaultSeconds = 10;

    public static Command Create(CliConsole console)
    {
        var seconds = new Option<double?>("--seconds") { Description = $"How long to fuzz (default {DefaultSeconds} s unless --sqes or --rounds is given)." };
        var seed = new Option<int?>("--start-seed") { Description = "The master seed (default: random, and printed). Round i runs with seed S+i." };
        var oldSeed = new Option<string?>("--seed") { Hidden = true };
        oldSeed.Validators.Add(r => r.AddError("fuzz --seed is now --start-seed (--seed means a folder to copy in, for run and serve)"));
        var sqes = new Option<long?>("--sqes") { Description = "Stop once this many SQEs ran." };
        var rounds = new Option<int?>("--rounds") { Description = "Stop after this many rounds (--rounds 1 reruns one failing seed)." };
        var kernel = new Option<string>("--kernel") { Description = "Which kernels take part.", DefaultValueFactory = _ => KernelChoice.All }.OneOf(KernelChoice.Placements.Keys);
        var dir = new Option<DirectoryInfo?>("--dir") { Description = "Where to make the temporary sandbox (default: the temp folder)." };
        var json = new Option<bool>("--json") { Description = "Print one JSON object instead of the summary." };
        var command = new Command("fuzz", "Fuzz every kernel with random and mutated SQE streams, checking every invariant after every enter.");
        foreach (var option in new Option[] { seconds, seed, oldSeed, sqes, rounds, kernel, dir, json })
        {
            command.Options.Add(option);
        }

        command.SetAction(result =>
        {
            var options = new FuzzOptions
            {
                Seed = result.GetValue(seed) ?? Random.Shared.Next(),
                Duration = result.GetValue(seconds) is { } s ? TimeSpan.FromSeconds(s)
                    : result.GetValue(sqes) is null && result.GetValue(rounds) is null ? TimeSpan.FromSeconds(DefaultSeconds) : null,
                MaxSqes = result.GetValue(sqes),
                MaxRounds = result.GetValue(rounds),
                Kernels = KernelChoice.Placements[result.GetValue(kernel)!],
                WorkDirectory = result.GetValue(dir)?.FullName,
            };
            return Run(console, options, result.GetValue(seconds), result.GetValue(json));
        });
        return command;
    }

    internal static int Run(CliConsole console, FuzzOptions options, double? seconds, bool json)
    {
        var problem = seconds is { } s && (!double.IsFinite(s) || s <= 0 || s > TimeSpan.MaxValue.TotalSeconds / 2) ? "--seconds must be a positive number"
            : options.MaxSqes is <= 0 ? "--sqes must be positive"
            : options.MaxRounds is <= 0 ? "--rounds must be positive"
            : options.WorkDirectory is { } work && !Directory.Exists(work) ? $"--dir {work}: no such folder"
            : null;
        if (problem is not null)
        {
            console.Error.WriteLine($"verbring: {problem}");
            return CliApp.BadUsage;
        }

        if (!json)
        {
            console.Out.WriteLine($"verbring fuzz: seed {options.Seed}, kernels {string.Join(", ", options.Kernels.Select(KernelChoice.Name))}");
            console.Out.Flush();
        }

        var report = Fuzzer.Run(options, console.Plain ? null : p =>
            console.Error.Write($"\r{p.Elapsed.TotalSeconds,6:0} s  {p.Rounds} rounds  {p.Sqes} SQEs  {p.Failures} failures "));
        if (!console.Plain)
        {
            console.Error.WriteLine();
        }

        if (json)
        {
            console.Out.WriteLine(RenderJson(report));
        }
        else
        {
            WriteSummary(console.Out, report);
        }

        return report.Failures.Count == 0 ? CliApp.Ran : CliApp.CheckFailed;
    }

    private static void WriteSummary(TextWriter output, FuzzReport report)
    {
        output.WriteLine($"{"kernel",-14} {"rounds",7} {"SQEs",12} {"enters",10} {"SQEs/s",10}");
        foreach (var k in report.Kernels)
        {
            output.WriteLine($"{KernelChoice.Name(k.Kernel),-14} {k.Rounds,7} {k.Sqes,12} {k.Enters,10} {k.SqesPerSecond,10:0}");
        }

        output.WriteLine($"{"total",-14} {report.Rounds,7} {report.Sqes,12} {report.Enters,10} {report.SqesPerSecond,10:0}");
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"time: {report.Elapsed.TotalSeconds:0.0} s"));
        output.WriteLine($"errnos ({report.Errnos.Count}): {string.Join(", ", report.Errnos)}");
        output.WriteLine($"escape attempts: {report.EscapeAttempts}");
        output.WriteLine($"failures: {report.Failures.Count}");
        foreach (var failure in report.Failures)
        {
            output.WriteLine($"FAILED round seed {failure.RoundSeed} ({KernelChoice.Name(failure.Kernel)}): {failure.Message}");
            output.WriteLine($"  reproduce: {Fuzzer.ReproduceCommand(failure)}");
        }
    }

    private static string RenderJson(FuzzReport report)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            writer.WriteNumber("seed", report.Seed);
            writer.WriteNumber("rounds", report.Rounds);
            writer.WriteNumber("sqes", report.Sqes);
            writer.WriteNumber("enters", report.Enters);
            writer.WriteNumber("seconds", Math.Round(report.Elapsed.TotalSeconds, 3));
            writer.WriteNumber("sqesPerSecond", Math.Round(report.SqesPerSecond));
            writer.WriteStartArray("kernels");
            foreach (var k in report.Kernels)
            {
                writer.WriteStartObject();
                writer.WriteString("kernel", KernelChoice.Name(k.Kernel));
                writer.WriteNumber("rounds", k.Rounds);
                writer.WriteNumber("sqes", k.Sqes);
                writer.WriteNumber("enters", k.Enters);
                writer.WriteNumber("sqesPerSecond", Math.Round(k.SqesPerSecond));
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteStartArray("errnos");
            foreach (var errno in report.Errnos)
            {
                writer.WriteStringValue(errno);
            }

            writer.WriteEndArray();
            writer.WriteNumber("escapeAttempts", report.EscapeAttempts);
            writer.WriteStartArray("failures");
            foreach (var failure in report.Failures)
            {
                writer.WriteStartObject();
                writer.WriteNumber("roundSeed", failure.RoundSeed);
                writer.WriteString("kernel", KernelChoice.Name(failure.Kernel));
                writer.WriteString("message", failure.Message);
                writer.WriteString("reproduce", Fuzzer.ReproduceCommand(failure));
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }
}
