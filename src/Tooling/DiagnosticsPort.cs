using System.Runtime.InteropServices;

namespace VerbRing.Tooling;

/// <summary>
/// Closes .NET's diagnostic port for a server process. The runtime listens on /tmp/dotnet-diagnostic-PID-…-socket
/// for any process of the same user, and one of its commands loads a profiler — any shared library — into the
/// process: code of another process of the user running inside the server, non-dumpable or not, with every ring in
/// reach. Only the environment turns it off (DOTNET_EnableDiagnostics=0, read as the runtime starts), so
/// <c>verbring serve</c> restarts itself once, in place, with it set (spec/transport.md, "The ring's memory").
/// </summary>
internal static unsafe partial class DiagnosticsPort
{
    /// <summary>The variable, and the value that closes the port (debugger, profiler and EventPipe alike).</summary>
    public const string Variable = "DOTNET_EnableDiagnostics";

    /// <summary>Whether this process's runtime started with the port closed.</summary>
    public static bool IsClosed => Environment.GetEnvironmentVariable(Variable) == "0";

    /// <summary>
    /// Replaces this process — same pid, same arguments — with one whose runtime starts with the port closed, and
    /// removes the socket file the port left. Returns only if that failed, with the reason in one sentence.
    /// </summary>
    public static string RestartClosed()
    {
        var arguments = File.ReadAllBytes("/proc/self/cmdline"); // argv exactly as this process was started
        var environment = Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
            .Where(e => (string)e.Key != Variable).Select(e => $"{e.Key}={e.Value}").Append($"{Variable}=0");
        foreach (var port in Directory.EnumerateFiles(Path.GetTempPath(), $"dotnet-diagnostic-{Environment.ProcessId}-*-socket"))
        {
            try
            {
                File.Delete(port); // the new runtime makes none; this one's would be left behind
            }
            catch (UnauthorizedAccessException)
            {
                // Another user's, left in sticky /tmp by an earlier process that had this pid: not this one's to remove.
            }
        }

        var variables = System.Text.Encoding.UTF8.GetBytes(string.Join('\0', environment) + "\0");
        var argv = Split(arguments);
        var envp = Split(variables);
        fixed (byte* args = arguments)
        fixed (byte* env = variables)
        {
            var argPointers = stackalloc byte*[argv.Count + 1];
            var envPointers = stackalloc byte*[envp.Count + 1];
            for (var i = 0; i < argv.Count; i++)
            {
                argPointers[i] = args + argv[i]; // Unsafe: each points at a NUL-terminated argument inside the pinned bytes
            }

            for (var i = 0; i < envp.Count; i++)
            {
                envPointers[i] = env + envp[i]; // Unsafe: likewise, inside the pinned environment
            }

            argPointers[argv.Count] = null;
            envPointers[envp.Count] = null;
            Execve("/proc/self/exe", argPointers, envPointers);
        }

        return $"cannot restart with .NET's diagnostic port closed ({Variable}=0): execve failed, errno {Marshal.GetLastPInvokeError()}.";
    }

    /// <summary>Where each NUL-terminated string of <paramref name="strings"/> starts.</summary>
    private static List<int> Split(byte[] strings)
    {
        var starts = new List<int>();
        for (var i = 0; i < strings.Length; i = Array.IndexOf(strings, (byte)0, i) + 1)
        {
            starts.Add(i);
            if (Array.IndexOf(strings, (byte)0, i) < 0)
            {
                break;
            }
        }

        return starts;
    }

    [LibraryImport("libc", EntryPoint = "execve", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Execve(string path, byte** argv, byte** envp);
}
