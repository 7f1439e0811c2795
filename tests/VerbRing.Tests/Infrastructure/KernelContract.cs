using VerbRing.Kernel;
using VerbRing.Kernel.Namespaces;
using VerbRing.Kernel.Server;
using VerbRing.Verbs.Client;
using VerbRing.Verbs.Time;

namespace VerbRing.Tests.Infrastructure;

/// <summary>
/// The base of every contract test class: which kernel it runs against. Each kernel derives one concrete class per
/// contract, so every contract runs on every kernel.
/// </summary>
public abstract class KernelContract
{
    /// <summary>The kernel under test.</summary>
    protected abstract KernelPlacement Kernel { get; }

    /// <summary>A fresh ring on a fresh in-memory namespace with a manual clock.</summary>
    internal RingHarness NewRing(RingOptions? options = null, MemoryNamespace? files = null, params IVerbHandler[] extraVerbs) =>
        Kernels.Create(Kernel, options ?? new RingOptions(), files ?? new MemoryNamespace(), new ManualClock(), extraVerbs);
}

/// <summary>Creates a ring harness on a given kernel.</summary>
public static class Kernels
{
    internal static RingHarness Create(KernelPlacement kind, RingOptions options, MemoryNamespace files, ManualClock clock, IVerbHandler[] extraVerbs)
    {
        var factory = RingFactory.CreateDefault(fileSystem: files, time: clock, extraVerbs: extraVerbs);
        if (kind != KernelPlacement.Server)
        {
            var (ring, kernel) = factory.CreateWithKernel(options with { Placement = kind });
            return new RingHarness(ring, kernel, files, clock);
        }

        var socket = Path.Combine(Path.GetTempPath(), $"verbring-test-{Guid.NewGuid():N}.sock");
        var server = new RingServer(factory, socket, new RingServerOptions { Ring = options });
        try
        {
            var client = RingClient.Connect(socket, options.SqEntries, options.CqEntries, options.UserMemorySize);
            return new RingHarness(client, server.Kernels.Single(), files, clock, server);
        }
        catch
        {
            server.Dispose();
            throw;
        }
    }
}
