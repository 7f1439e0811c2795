using System.Diagnostics;

namespace VerbRing.Tooling;

/// <summary>
/// A <c>verbring serve</c> process of its own, for measuring across a real process boundary: started on a fresh
/// socket in a private temporary folder, ready once it says where it serves, stopped and cleaned up on Dispose.
/// </summary>
internal sealed class ServerProcess : IDisposable
{
    private readonly Process _process;
    private readonly string _folder;

    private ServerProcess(Process process, string folder, string socketPath)
    {
        _process = process;
        _folder = folder;
        SocketPath = socketPath;
    }

    /// <summary>The socket the server answers on.</summary>
    public string SocketPath { get; }

    /// <summary>
    /// Starts <paramref name="fileName"/> with <paramref name="prefix"/> then <c>serve --socket PATH</c>, and waits
    /// (at most <paramref name="limit"/>) for its "serving on" line.
    /// </summary>
    public static ServerProcess Start(string fileName, IEnumerable<string> prefix, TimeSpan limit)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        var folder = Directory.CreateTempSubdirectory("verbring-bench-").FullName;
        var socket = Path.Combine(folder, "ring.sock");
        var start = new ProcessStartInfo(fileName) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in prefix.Concat(["serve", "--socket", socket]))
        {
            start.ArgumentList.Add(arg);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {fileName}.");
        var server = new ServerProcess(process, folder, socket);
        try
        {
            var line = process.StandardOutput.ReadLineAsync();
            if (!line.Wait(limit) || line.Result is not { } text || !text.Contains(socket, StringComparison.Ordinal))
            {
                throw new InvalidOperationException(
                    $"verbring serve did not start within {limit.TotalSeconds:0} s: {process.StandardError.ReadToEnd()}");
            }

            return server;
        }
        catch
        {
            server.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Starts the verbring tool found at <paramref name="verbringDll"/>, run by the current <c>dotnet</c> host (or
    /// the one on PATH).
    /// </summary>
    public static ServerProcess StartDll(string verbringDll, TimeSpan limit) =>
        Start(DotnetHost(), [verbringDll], limit);

    /// <summary>Stops the server (its sessions end with it) and removes its folder.</summary>
    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit();
            }
        }
        catch (InvalidOperationException)
        {
            // It already exited.
        }
        finally
        {
            _process.Dispose();
            Directory.Delete(_folder, recursive: true);
        }
    }

    private static string DotnetHost() =>
        Environment.ProcessPath is { } path && Path.GetFileNameWithoutExtension(path) == "dotnet" ? path : "dotnet";
}
