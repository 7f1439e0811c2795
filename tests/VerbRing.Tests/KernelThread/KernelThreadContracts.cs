using VerbRing.Kernel;
using VerbRing.Tests.Contracts;

namespace VerbRing.Tests.KernelThread;

// Every contract, run unchanged against the kernel on its own thread (enter crosses a thread boundary).

public sealed class KernelThreadLinkTests : LinkContract
{
    protected override KernelPlacement Placement => KernelPlacement.KernelThread;
}

public sealed class KernelThreadFileVerbTests : FileVerbContract
{
    protected override KernelPlacement Placement => KernelPlacement.KernelThread;
}

public sealed class KernelThreadOpenTests : OpenContract
{
    protected override KernelPlacement Placement => KernelPlacement.KernelThread;
}

public sealed class KernelThreadMalformedSqeTests : MalformedSqeContract
{
    protected override KernelPlacement Placement => KernelPlacement.KernelThread;
}

public sealed class KernelThreadEnterTests : EnterContract
{
    protected override KernelPlacement Placement => KernelPlacement.KernelThread;
}

public sealed class KernelThreadWaitingTests : WaitingContract
{
    protected override KernelPlacement Placement => KernelPlacement.KernelThread;
}
