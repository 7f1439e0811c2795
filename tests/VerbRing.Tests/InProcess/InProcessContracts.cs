using VerbRing.Kernel;
using VerbRing.Tests.Contracts;

namespace VerbRing.Tests.InProcess;

// Every contract, run against the in-process kernel (enter runs the chains on the caller's thread).

public sealed class InProcessLinkTests : LinkContract
{
    protected override KernelPlacement Placement => KernelPlacement.InProcess;
}

public sealed class InProcessFileVerbTests : FileVerbContract
{
    protected override KernelPlacement Placement => KernelPlacement.InProcess;
}

public sealed class InProcessOpenTests : OpenContract
{
    protected override KernelPlacement Placement => KernelPlacement.InProcess;
}

public sealed class InProcessMalformedSqeTests : MalformedSqeContract
{
    protected override KernelPlacement Placement => KernelPlacement.InProcess;
}

public sealed class InProcessEnterTests : EnterContract
{
    protected override KernelPlacement Placement => KernelPlacement.InProcess;
}

public sealed class InProcessWaitingTests : WaitingContract
{
    protected override KernelPlacement Placement => KernelPlacement.InProcess;
}
