using VerbRing.Kernel;
using VerbRing.Tests.Contracts;
using VerbRing.Tests.Infrastructure;

namespace VerbRing.Tests.InProcess;

// Every contract, run against the in-process kernel (enter runs the chains on the caller's thread).

public sealed class InProcessLinkTests : LinkContract
{
    internal override RingHarness CreateHarness(RingOptions options, MemoryNamespace files, ManualClock clock, IVerbHandler[] extraVerbs) =>
        InProcessKernel.Create(options, files, clock, extraVerbs);
}

public sealed class InProcessFileVerbTests : FileVerbContract
{
    internal override RingHarness CreateHarness(RingOptions options, MemoryNamespace files, ManualClock clock, IVerbHandler[] extraVerbs) =>
        InProcessKernel.Create(options, files, clock, extraVerbs);
}

public sealed class InProcessOpenTests : OpenContract
{
    internal override RingHarness CreateHarness(RingOptions options, MemoryNamespace files, ManualClock clock, IVerbHandler[] extraVerbs) =>
        InProcessKernel.Create(options, files, clock, extraVerbs);
}

public sealed class InProcessMalformedSqeTests : MalformedSqeContract
{
    internal override RingHarness CreateHarness(RingOptions options, MemoryNamespace files, ManualClock clock, IVerbHandler[] extraVerbs) =>
        InProcessKernel.Create(options, files, clock, extraVerbs);
}

public sealed class InProcessEnterTests : EnterContract
{
    internal override RingHarness CreateHarness(RingOptions options, MemoryNamespace files, ManualClock clock, IVerbHandler[] extraVerbs) =>
        InProcessKernel.Create(options, files, clock, extraVerbs);
}

public sealed class InProcessWaitingTests : WaitingContract
{
    internal override RingHarness CreateHarness(RingOptions options, MemoryNamespace files, ManualClock clock, IVerbHandler[] extraVerbs) =>
        InProcessKernel.Create(options, files, clock, extraVerbs);
}
