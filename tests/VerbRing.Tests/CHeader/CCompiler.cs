using System.Diagnostics;
using VerbRing.Tests.Infrastructure;

namespace VerbRing.Tests.CHeader;

/// <summary>Builds and runs C programs against spec/verbring.h during the test run, with the machine's compilers.</summary>
internal static class CCompiler
{
    /// <summary>The strictest flags the header promises to pass (with any -std the caller adds).</summary>
    public static readonly string[] StrictFlags = ["-Wall", "-Wextra", "-Werror", "-pedantic"];

    /// <summary>
    /// Compiles <paramref name="source"/> to <paramref name="output"/> with <paramref name="compiler"/> and the header's
    /// folder on the include path; fails the test with the compiler's output if it does not build, and with one clear
    /// sentence if the compiler is not installed.
    /// </summary>
    public static string Build(string compiler, string source, string output, params string[] flags)
    {
        Installed(compiler).ShouldBeTrue(
            $"{compiler} is not installed: the C header's tests need it (apt-get install -y --no-install-recommends {compiler}; .ci/run does)");
        var result = Exec(compiler, [.. flags, "-I", Repository.PathOf("spec"), source, "-o", output]);
        result.Code.ShouldBe(0, $"{compiler} {string.Join(' ', flags)} failed:\n{result.Output}");
        return output;
    }

    /// <summary>Whether <paramref name="compiler"/> is on PATH.</summary>
    public static bool Installed(string compiler) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':')
            .Any(folder => folder.Length > 0 && File.Exists(Path.Combine(folder, compiler)));

    /// <summary>Runs <paramref name="program"/> to its end; its exit code and its stdout followed by its stderr.</summary>
    public static (int Code, string Output) Exec(string program, params string[] args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stdout.Result + stderr);
    }
}
