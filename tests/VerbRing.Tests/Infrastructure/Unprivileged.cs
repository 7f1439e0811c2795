using System.Diagnostics;

namespace VerbRing.Tests.Infrastructure;

/// <summary>
/// Processes of another user, for the tests that need one (root can open anything, so a test of who may reach what
/// runs its attacker, peer or server as uid 65534 with <c>setpriv</c>): a folder that user can work in, and
/// commands started as that user or as this one.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
internal sealed class Unprivileged : IDisposable
{
    /// <summary>The user and group the processes run as: nobody/nogroup on Debian.</summary>
    public const uint Id = 65534;

    public Unprivileged()
    {
        Environment.UserName.ShouldBe("root", "these tests start processes as uid 65534 with setpriv, which needs root");
        Folder = Directory.CreateTempSubdirectory("verbring-unprivileged-").FullName;
        File.SetUnixFileMode(Folder, (UnixFileMode)0x1ED); // 0755: others may enter it
        Exec("chown", $"{Id}:{Id}", Folder).Code.ShouldBe(0, "chown the folder to the unprivileged user");
    }

    /// <summary>A fresh folder in /tmp, owned by the unprivileged user, that every user may enter.</summary>
    public string Folder { get; }

    /// <summary>The verbring command line for <c>dotnet</c>: the built verbring.dll, then the arguments.</summary>
    public static string[] Verbring(params string[] args) => [Path.Combine(AppContext.BaseDirectory, "verbring.dll"), .. args];

    /// <summary>Starts <paramref name="program"/> as the unprivileged user, stdin, stdout and stderr redirected.</summary>
    public static Process Start(string program, params string[] args) =>
        StartAs(true, program, args);

    /// <summary>Runs <paramref name="program"/> as the unprivileged user to its end.</summary>
    public static (int Code, string Out, string Error) Run(string program, params string[] args) =>
        Finish(StartAs(true, program, args));

    /// <summary>Runs <paramref name="program"/> as this process's user to its end.</summary>
    public static (int Code, string Out, string Error) Exec(string program, params string[] args) =>
        Finish(StartAs(false, program, args));

    /// <summary>Compiles one C file of tests/c into the folder (the machine's cc, strict), for any user to run.</summary>
    public string Compile(string source)
    {
        var output = Path.Combine(Folder, Path.GetFileNameWithoutExtension(source));
        var result = Exec("cc", "-std=c11", "-Wall", "-Wextra", "-Werror", "-pedantic", "-O2",
            "-I", Repository.PathOf("spec"), Repository.PathOf($"tests/c/{source}"), "-o", output);
        result.Code.ShouldBe(0, $"cc failed:\n{result.Out}{result.Error}");
        return output;
    }

    public void Dispose() => Directory.Delete(Folder, recursive: true);

    private static Process StartAs(bool unprivileged, string program, string[] args)
    {
        var start = new ProcessStartInfo(unprivileged ? "setpriv" : program)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        if (unprivileged)
        {
            foreach (var option in new[] { $"--reuid={Id}", $"--regid={Id}", "--clear-groups", program })
            {
                start.ArgumentList.Add(option);
            }
        }

        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        return Process.Start(start)!;
    }

    private static (int Code, string Out, string Error) Finish(Process process)
    {
        using (process)
        {
            process.StandardInput.Close();
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEnd();
            process.WaitForExit();
            return (process.ExitCode, stdout.Result, stderr);
        }
    }
}
