using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace VerbRing.Tooling.Benchmarking;

/// <summary>
/// Busy processes beside a measurement, so that anyone can see how the handoffs behave on an oversubscribed
/// machine: each hog is a shell spinning in a loop of builtins (no fork per round) for at most its lifetime, killed
/// with its whole process tree on Dispose, on SIGINT, SIGTERM or SIGQUIT, and when this process exits; a hog
/// orphaned by a SIGKILL of this process still stops when its lifetime ends.
/// </summary>
internal sealed class Hogs : IDisposable
{
    // A background `sleep` is the hog's clock; the loop spins on the builtin `kill -0` (a cheap syscall, no fork)
    // until the sleep has ended. Killing the shell first and then the sleep leaves nothing behind.
    private const string Script = "sleep \"$1\" & clock=$!; while kill -0 \"$clock\" 2>/dev/null; do :; done";

    private readonly List<Process> _processes = [];
    private readonly List<PosixSignalRegistration> _signals = [];
    private int _disposed;

    private Hogs(TimeSpan lifetime) => Lifetime = lifetime;

    /// <summary>How many hogs run.</summary>
    public int Count => _processes.Count;

    /// <summary>The hogs' process ids (each a shell; its clock, a <c>sleep</c>, is its child).</summary>
    public IReadOnlyList<int> ProcessIds => _processes.ConvertAll(p => p.Id);

    /// <summary>The longest a hog runs, whatever happens to this process.</summary>
    public TimeSpan Lifetime { get; }

    /// <summary>
    /// Starts <paramref name="count"/> hogs (none for 0), each living at most <paramref name="lifetime"/>. A hog
    /// that cannot be started stops those already started and throws.
    /// </summary>
    public static Hogs Start(int count, TimeSpan lifetime)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfLessThan(lifetime, TimeSpan.FromSeconds(1));
        var hogs = new Hogs(lifetime);
        if (count == 0)
        {
            return hogs;
        }

        try
        {
            AppDomain.CurrentDomain.ProcessExit += hogs.OnExit;
            foreach (var signal in new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM, PosixSignal.SIGQUIT })
            {
                hogs._signals.Add(PosixSignalRegistration.Create(signal, _ => hogs.Dispose()));
            }

            var seconds = Math.Ceiling(lifetime.TotalSeconds).ToString(CultureInfo.InvariantCulture);
            for (var i = 0; i < count; i++)
            {
                var start = new ProcessStartInfo("sh") { UseShellExecute = false, RedirectStandardInput = true };
                foreach (var arg in new[] { "-c", Script, "verbring-hog", seconds })
                {
                    start.ArgumentList.Add(arg);
                }

                hogs._processes.Add(Process.Start(start) ?? throw new InvalidOperationException("Could not start a hog (sh)."));
            }

            return hogs;
        }
        catch
        {
            hogs.Dispose();
            throw;
        }
    }

    /// <summary>Whether every hog is still running (one that ended early means the run was not beside them).</summary>
    public bool AllRunning => _processes.TrueForAll(p => !p.HasExited);

    /// <summary>Kills every hog with its process tree; safe to call more than once and from a signal handler.</summary>
    public void Dispose()
    {
        // Interlocked: one caller tears down — Dispose, a signal handler and the exit handler may race.
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        AppDomain.CurrentDomain.ProcessExit -= OnExit;
        foreach (var signal in _signals)
        {
            signal.Dispose();
        }

        foreach (var process in _processes)
        {
            try
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(1000);
            }
            catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
            {
                // It already exited.
            }
            finally
            {
                process.Dispose();
            }
        }
    }

    private void OnExit(object? sender, EventArgs e) => Dispose();
}
