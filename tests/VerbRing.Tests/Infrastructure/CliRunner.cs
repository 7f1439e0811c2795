using System.Diagnostics;
using VerbRing.Cli;

namespace VerbRing.Tests.Infrastructure;

/// <summary>Runs the verbring command line in process, capturing what a user would see.</summary>
public static class CliRunner
{
    public sealed record Result(int ExitCode, string Out, string Error)
    {
        /// <summary>Everything, deterministic: the command, the exit code, stdout, stderr.</summary>
        public string Transcript(string command) =>
            $"$ verbring {command}\nexit {ExitCode}\n--- stdout\n{Out.ReplaceLineEndings("\n")}--- stderr\n{Error.ReplaceLineEndings("\n")}";
    }

    public static Result Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = CliApp.Run(args, output, error, plain: true);
        return new Result(code, output.ToString(), error.ToString());
    }

    /// <summary>Runs the command line as a process of its own with <paramref name="input"/> as its standard input.</summary>
    public static Result RunWithInput(byte[] input, params string[] args)
    {
        using var process = Start(args, redirectInput: true);
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        try
        {
            process.StandardInput.BaseStream.Write(input);
            process.StandardInput.Close();
        }
        catch (IOException)
        {
            // The command stopped reading (it refused the input as too large): what it printed is the answer.
        }

        process.WaitForExit();
        return new Result(process.ExitCode, output.Result, error.Result);
    }

    /// <summary>Starts the command line as a process of its own (for boundaries and signals), output redirected.</summary>
    public static Process Start(params string[] args) => Start(args, redirectInput: false);

    private static Process Start(string[] args, bool redirectInput)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = redirectInput };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "verbring.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        return Process.Start(start)!;
    }
}
