namespace VerbRing.Tests.Infrastructure;

/// <summary>
/// The command line a program documents for itself: an example's "# Run: verbring run …" line, or a snapshot
/// program's first "#! ARGS" line — the options after the file, and a way to make their folders absolute.
/// </summary>
public static class DocumentedRun
{
    /// <summary>The options <paramref name="path"/> (repository-relative) documents, as written.</summary>
    public static string[] Options(string path)
    {
        var lines = File.ReadAllLines(Repository.PathOf(path));
        var documented = lines.FirstOrDefault(l => l.StartsWith("# Run: verbring run ", StringComparison.Ordinal));
        var header = lines.FirstOrDefault(l => l.StartsWith("#! ", StringComparison.Ordinal));
        var extra = documented is not null
            ? documented["# Run: verbring run ".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1)
            : header?[3..].Split(' ', StringSplitOptions.RemoveEmptyEntries) ?? [];
        return [.. extra];
    }

    /// <summary>A repository-relative folder in an argument made absolute: "examples/seed", or "/ro=examples/seed,ro".</summary>
    public static string ToHostPath(string arg)
    {
        var equals = arg.IndexOf('=', StringComparison.Ordinal);
        if (equals < 0)
        {
            return arg.Contains('/', StringComparison.Ordinal) ? Repository.PathOf(arg) : arg;
        }

        var rest = arg[(equals + 1)..];
        var comma = rest.IndexOf(',', StringComparison.Ordinal);
        return arg[..(equals + 1)] + Repository.PathOf(comma < 0 ? rest : rest[..comma]) + (comma < 0 ? "" : rest[comma..]);
    }
}
