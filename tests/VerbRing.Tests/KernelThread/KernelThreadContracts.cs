using VerbRing.Kernel;
using VerbRing.Tests.Contracts;
using VerbRing.Tests.Infrastructure;

namespace VerbRing.Tests.KernelThread;

// Every contract, run unchanged against the kernel on its own thread (enter crosses a thread boundary).

public sealed class KernelThreadLinkTests : LinkContract
{
    internal override RingHarness CreateHarness(RingOptions options, MemoryNamespace files, ManualClock clock, IVerbHandler[] extraVerbs) =>
        KernelThreadKernel.Create(options, files, clock, extraVerbs);
}

public sealed class KernelThreadFileVerbTests : FileVerbContract
{
    internal override RingHarness CreateHarness(RingOptions options, MemoryNamespace files, ManualClock clock, IVerbHandler[] extraVerbs) =>
        KernelThreadKernel.Create(options, files, clock, extraVerbs);
}

public sealed class KernelThreadOpenTests : OpenContract
{
    internal override RingHarness CreateHarness(RingOptions options, MemoryNamespace files, ManualClock clock, IVerbHandler[] extraVerbs) =>
        KernelThreadKernel.Create(options, files, clock, extraVerbs);
}

public sealed class KernelThreadMalformedSqeTests : MalformedSqeContract
{
    internal override RingHarness CreateHarness(RingOptions options, MemoryNamespace files, ManualClock clock, IVerbHandler[] extraVerbs) =>
        KernelThreadKernel.Create(options, files, clock, extraVerbs);
}

public sealed class KernelThreadEnterTests : EnterContract
{
    internal override RingHarness CreateHarness(RingOptions options, MemoryNamespace files, ManualClock clock, IVerbHandler[] extraVerbs) =>
        KernelThreadKernel.Create(options, files, clock, extraVerbs);
}

public sealed class KernelThreadWaitingTests : WaitingContract
{
    internal override RingHarness CreateHarness(RingOptions options, MemoryNamespace files, ManualClock clock, IVerbHandler[] extraVerbs) =>
        KernelThreadKernel.Create(options, files, clock, extraVerbs);
}
