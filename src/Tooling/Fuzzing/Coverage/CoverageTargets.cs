using VerbRing.Verbs;
using VerbRing.Verbs.Programs;

namespace VerbRing.Tooling.Fuzzing.Coverage;

/// <summary>
/// The coverage-guided targets by name, the programs their seed corpora come from, and the seeds themselves — one
/// place for the fuzz host (tests/Fuzz) and the main suite's test that runs every target on its seeds.
/// </summary>
internal static class CoverageTargets
{
    private static readonly string[] SeedFolders = ["examples", "tests/VerbRing.Tests/Snapshots/Programs"];

    /// <summary>The target names and what each runs on one input.</summary>
    public static IReadOnlyDictionary<string, Action<byte[]>> All { get; } = new Dictionary<string, Action<byte[]>>
    {
        ["assembler"] = input => AssemblerTarget.Run(input),
        ["sqes"] = input => SqeStreamTarget.Run(input),
    };

    /// <summary>The <c>.vr</c> programs of the repository at <paramref name="root"/> that seed both targets.</summary>
    public static IEnumerable<string> SeedPrograms(string root) =>
        SeedFolders
            .Select(folder => Path.Combine(root, folder))
            .Where(Directory.Exists)
            .SelectMany(folder => Directory.EnumerateFiles(folder, "*.vr"))
            .Order(StringComparer.Ordinal);

    /// <summary>The seed corpus of <paramref name="target"/>: the programs' bytes, or the programs that link as SQE streams.</summary>
    public static IEnumerable<(string Name, byte[] Input)> Seeds(string target, string root) => target switch
    {
        "assembler" => SeedPrograms(root).Select(file => (Path.GetFileNameWithoutExtension(file), File.ReadAllBytes(file))),
        "sqes" => SqeStreamSeeds.FromFiles(SeedPrograms(root)),
        _ => throw new ArgumentException($"no fuzz target '{target}' (targets: {string.Join(", ", All.Keys)})", nameof(target)),
    };

    /// <summary>
    /// The assembler's words as an AFL++ dictionary (<c>-x</c>): directives, verbs, modifiers, registers, named
    /// constants and punctuation, made from the catalogue so that it never lags behind the language.
    /// </summary>
    public static string AssemblerDictionary()
    {
        string[] words = ["buffer", "data", "set", "op", "len(", "link", "hardlink", "timeout", "tag", "never", "->", "|", ",", "\"", "\\x", "\\n",
            "\\0", "0x", "#", "\n", "ns", "us", "ms", "s", ".lo", ".hi", "r0", "r1", "r2", "r3", "r4", "r5", "r6", "r7", "18446744073709551615", "-1"];
        var all = words.Concat(VerbCatalogue.All.Select(v => v.Name)).Concat(NamedConstants.AllNames).Distinct(StringComparer.Ordinal);
        return string.Concat(all.Select(word => $"\"{string.Concat(word.Select(Escape))}\"\n"));

        // AFL++ reads \xNN, and only that, for a quote, a backslash or a control character.
        static string Escape(char c) => c is '"' or '\\' or < ' ' ? $"\\x{(int)c:x2}" : c.ToString();
    }

    /// <summary>The checked-in inputs of <paramref name="target"/> (crashes found and fixed, kept as regressions).</summary>
    public static IEnumerable<string> Corpus(string target, string root)
    {
        var folder = Path.Combine(root, "tests", "Fuzz", "corpus", target);
        return Directory.Exists(folder) ? Directory.EnumerateFiles(folder).Order(StringComparer.Ordinal) : [];
    }
}
