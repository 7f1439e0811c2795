using System.Globalization;
using SharpFuzz;
using VerbRing.Tooling.Fuzzing.Coverage;

/// <summary>
/// The fuzz host: <c>VerbRing.Fuzz TARGET</c> under afl-fuzz (SharpFuzz feeds it AFL's inputs over the fork server),
/// <c>VerbRing.Fuzz TARGET --replay PATH…</c> to run files or folders of inputs without AFL (a crash's reproduction),
/// <c>VerbRing.Fuzz seeds OUT [REPO]</c> to write each target's seed corpus into OUT/TARGET (and the assembler's
/// dictionary, OUT/assembler.dict), <c>VerbRing.Fuzz random-sqes OUT N</c> to write N of the random fuzzer's rounds as
/// inputs of the sqes target. Targets: assembler, sqes.
/// </summary>
internal static class Program
{
    private const int RandomSeedRounds = 20;

    private static int Main(string[] args)
    {
        if (args is ["seeds", var output, ..])
        {
            return WriteSeeds(output, args.Length > 2 ? args[2] : Directory.GetCurrentDirectory());
        }

        if (args is ["random-sqes", var folder, var count])
        {
            // The random fuzzer's rounds as inputs of the sqes target, to measure its coverage with afl-showmap.
            Directory.CreateDirectory(folder);
            for (var seed = 0; seed < int.Parse(count, CultureInfo.InvariantCulture); seed++)
            {
                File.WriteAllBytes(Path.Combine(folder, $"round-{seed}"), RandomSqeStreams.Generate(seed));
            }

            return 0;
        }

        if (args.Length == 0 || !CoverageTargets.All.TryGetValue(args[0], out var target))
        {
            Console.Error.WriteLine($"usage: VerbRing.Fuzz {string.Join('|', CoverageTargets.All.Keys)} [--replay PATH...] | seeds OUT [REPO]");
            return 2;
        }

        if (args is [_, "--replay", .. var paths])
        {
            return Replay(target, paths);
        }

        Fuzzer.OutOfProcess.Run(stream =>
        {
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            target(buffer.ToArray());
        });
        return 0;
    }

    private static int WriteSeeds(string output, string root)
    {
        foreach (var name in CoverageTargets.All.Keys)
        {
            var folder = Directory.CreateDirectory(Path.Combine(output, name)).FullName;
            var seeds = CoverageTargets.Seeds(name, root).Concat(CoverageTargets.Corpus(name, root).Select(f => (Path.GetFileName(f), File.ReadAllBytes(f)))).ToList();
            if (name == "sqes")
            {
                // Twenty of the random fuzzer's rounds as well: from them AFL++ reached more than from either alone.
                seeds.AddRange(Enumerable.Range(0, RandomSeedRounds).Select(seed => ($"random-round-{seed}", RandomSqeStreams.Generate(seed))));
            }

            foreach (var (seed, input) in seeds)
            {
                File.WriteAllBytes(Path.Combine(folder, seed), input);
            }

            Console.WriteLine($"{name}: {seeds.Count} seeds in {folder}");
        }

        File.WriteAllText(Path.Combine(output, "assembler.dict"), CoverageTargets.AssemblerDictionary());
        return 0;
    }

#pragma warning disable CA1031 // Replay reports every input's exception, whatever it is: that is the finding.
    private static int Replay(Action<byte[]> target, string[] paths)
    {
        var files = paths
            .SelectMany<string, string>(p => Directory.Exists(p) ? Directory.EnumerateFiles(p, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal) : [p])
            .Where(f => Path.GetFileName(f) != "README.txt") // what AFL++ leaves beside its crashes
            .ToList();
        var failures = 0;
        foreach (var file in files)
        {
            try
            {
                target(File.ReadAllBytes(file));
            }
            catch (Exception e)
            {
                failures++;
                Console.WriteLine($"{file}: {e.GetType().Name}: {e.Message}");
                Console.WriteLine(e.StackTrace?.Split('\n').FirstOrDefault()?.Trim());
            }
        }

        Console.WriteLine($"{files.Count - failures} passed, {failures} failed");
        return failures == 0 ? 0 : 1;
    }
#pragma warning restore CA1031
}
