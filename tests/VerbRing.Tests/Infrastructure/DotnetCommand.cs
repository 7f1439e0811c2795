using System.Diagnostics;

namespace VerbRing.Tests.Infrastructure;

/// <summary>
/// Runs the <c>dotnet</c> command line on a project of its own (a README sample, a copied example) the way a user
/// would, and the library as such a project references it: the assemblies this test run was built with.
/// </summary>
public static class DotnetCommand
{
    /// <summary><c>&lt;Reference&gt;</c> items for the library (Kernel, Verbs, Registers) and what it depends on, from this test run's output.</summary>
    public static string LibraryReferences() => string.Concat(
        new[] { "VerbRing.Kernel.dll", "VerbRing.Verbs.dll", "VerbRing.Registers.dll" }
            .Concat(Directory.GetFiles(AppContext.BaseDirectory, "Microsoft.Extensions.*.dll").Select(Path.GetFileName).OfType<string>())
            .Select(dll => $"    <Reference Include=\"{Path.Combine(AppContext.BaseDirectory, dll)}\" />\n"));

    /// <summary>Runs <c>dotnet ARGS</c> in <paramref name="folder"/>; its exit code and everything it printed (-1 past <paramref name="limit"/>).</summary>
    public static (int ExitCode, string Output) Run(string folder, TimeSpan limit, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        // The test host's MSBuild settings belong to its own build, not to this one.
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            start.Environment.Remove(key);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(limit))
        {
            process.Kill(entireProcessTree: true);
            return (-1, $"dotnet {string.Join(' ', args)} did not finish in {limit}");
        }

        return (process.ExitCode, output.Result + error.Result);
    }
}
