using VerbRing.Kernel;

namespace VerbRing.Tests.Infrastructure;

/// <summary>
/// The base of every contract test class: how to make a ring on the kernel under test. Each kernel (in-process
/// now; kernel thread and server process later) derives one concrete class per contract.
/// </summary>
public abstract class KernelContract
{
    /// <summary>A fresh ring on a fresh in-memory namespace with a manual clock.</summary>
    internal RingHarness NewRing(RingOptions? options = null, MemoryNamespace? files = null, params IVerbHandler[] extraVerbs)
    {
        var clock = new ManualClock();
        var fileSystem = files ?? new MemoryNamespace();
        return CreateHarness(options ?? new RingOptions(), fileSystem, clock, extraVerbs);
    }

    internal abstract RingHarness CreateHarness(RingOptions options, MemoryNamespace files, ManualClock clock, IVerbHandler[] extraVerbs);
}

/// <summary>The kernel that runs inside enter, on the caller's thread.</summary>
public static class InProcessKernel
{
    internal static RingHarness Create(RingOptions options, MemoryNamespace files, ManualClock clock, IVerbHandler[] extraVerbs)
    {
        var factory = RingFactory.CreateDefault(fileSystem: files, time: clock, extraVerbs: extraVerbs);
        var (ring, kernel) = factory.CreateWithKernel(options with { Placement = KernelPlacement.InProcess });
        return new RingHarness(ring, kernel, files, clock);
    }
}

/// <summary>The kernel on a thread of its own: enter crosses a thread boundary.</summary>
public static class KernelThreadKernel
{
    internal static RingHarness Create(RingOptions options, MemoryNamespace files, ManualClock clock, IVerbHandler[] extraVerbs)
    {
        var factory = RingFactory.CreateDefault(fileSystem: files, time: clock, extraVerbs: extraVerbs);
        var (ring, kernel) = factory.CreateWithKernel(options with { Placement = KernelPlacement.KernelThread });
        return new RingHarness(ring, kernel, files, clock);
    }
}
