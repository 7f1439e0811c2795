using VerbRing.Kernel;
using VerbRing.Tests.Contracts;
using VerbRing.Tests.Infrastructure;

namespace VerbRing.Tests.InProcess;

// Every contract, run against the in-process kernel (enter runs the chains on the caller's thread).

public sealed class InProcessLinkTests : LinkContract
{
    protected override KernelPlacement Kernel => KernelPlacement.InProcess;
}

public sealed class InProcessFileVerbTests : FileVerbContract
{
    protected override KernelPlacement Kernel => KernelPlacement.InProcess;
}

public sealed class InProcessOpenTests : OpenContract
{
    protected override KernelPlacement Kernel => KernelPlacement.InProcess;
}

public sealed class InProcessMalformedSqeTests : MalformedSqeContract
{
    protected override KernelPlacement Kernel => KernelPlacement.InProcess;
}

public sealed class InProcessEnterTests : EnterContract
{
    protected override KernelPlacement Kernel => KernelPlacement.InProcess;
}

public sealed class InProcessWaitingTests : WaitingContract
{
    protected override KernelPlacement Kernel => KernelPlacement.InProcess;
}

public sealed class InProcessDeadlineTests : DeadlineContract
{
    protected override KernelPlacement Kernel => KernelPlacement.InProcess;
}

public sealed class InProcessReentryTests : ReentryContract
{
    protected override KernelPlacement Kernel => KernelPlacement.InProcess;
}

public sealed class InProcessPolicyTests : PolicyContract
{
    protected override KernelPlacement Kernel => KernelPlacement.InProcess;
}

public sealed class InProcessPipeEdgeTests : PipeEdgeContract
{
    protected override KernelPlacement Kernel => KernelPlacement.InProcess;
}

public sealed class InProcessLoopTests : LoopContract
{
    protected override KernelPlacement Kernel => KernelPlacement.InProcess;
}

public sealed class InProcessQuietTests : QuietContract
{
    protected override KernelPlacement Kernel => KernelPlacement.InProcess;
}

public sealed class InProcessDrainTests : DrainContract
{
    protected override KernelPlacement Kernel => KernelPlacement.InProcess;
}

public sealed class InProcessSelfDisposeTests : SelfDisposeContract
{
    protected override KernelPlacement Kernel => KernelPlacement.InProcess;
}

public sealed class InProcessDisposedRingTests : DisposedRingContract
{
    protected override KernelPlacement Kernel => KernelPlacement.InProcess;
}

public sealed class InProcessWakeOrderTests : WakeOrderContract
{
    protected override KernelPlacement Kernel => KernelPlacement.InProcess;
}
