using VerbRing.Kernel;
using VerbRing.Kernel.Server;
using VerbRing.Kernel.Tracing;
using VerbRing.Verbs.Programs;

namespace VerbRing.Cli;

/// <summary>
/// <c>verbring run --kernel server</c>: a <see cref="RingServer"/> in this process on a socket in a fresh temporary
/// folder, with the run's namespace and policy, and the program run across it exactly as <c>--connect</c> would.
/// </summary>
internal static class LocalServer
{
    /// <summary>Serves one ring of <paramref name="options"/>' shape and policy, runs the program on it, stops.</summary>
    public static TracedRun Run(RingFactory factory, LinkedProgram program, RingOptions options, TimeSpan timeout)
    {
        var folder = Directory.CreateTempSubdirectory("verbring-");
        try
        {
            var socket = Path.Combine(folder.FullName, "ring.sock");
            var limits = new RingServerOptions();
            using var server = new RingServer(factory, socket, limits with
            {
                Ring = options with { Placement = KernelPlacement.InProcess },
                MaxUserMemory = Math.Max(limits.MaxUserMemory, options.UserMemorySize), // the ring this run asked for
                MaxClients = 1,
            });
            return ProgramHost.RunConnected(socket, program, options, timeout);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
