using VerbRing.Kernel;

namespace VerbRing.Tests.Infrastructure;

/// <summary>
/// The base of every contract test class: which kernel it runs against. Each kernel derives one concrete class per
/// contract (in-process and kernel thread now; the server process later), so every contract runs on every kernel.
/// </summary>
public abstract class KernelContract
{
    /// <summary>The kernel under test.</summary>
    protected abstract KernelPlacement Placement { get; }

    /// <summary>A fresh ring on a fresh in-memory namespace with a manual clock.</summary>
    internal RingHarness NewRing(RingOptions? options = null, MemoryNamespace? files = null, params IVerbHandler[] extraVerbs) =>
        Kernels.Create(Placement, options ?? new RingOptions(), files ?? new MemoryNamespace(), new ManualClock(), extraVerbs);
}

/// <summary>Creates a ring harness on a given kernel.</summary>
public static class Kernels
{
    internal static RingHarness Create(KernelPlacement placement, RingOptions options, MemoryNamespace files, ManualClock clock, IVerbHandler[] extraVerbs)
    {
        var factory = RingFactory.CreateDefault(fileSystem: files, time: clock, extraVerbs: extraVerbs);
        var (ring, kernel) = factory.CreateWithKernel(options with { Placement = placement });
        return new RingHarness(ring, kernel, files, clock);
    }
}
