using VerbRing.Kernel;
using VerbRing.Tests.Contracts;
using VerbRing.Tests.Infrastructure;

namespace VerbRing.Tests.KernelThread;

// Every contract, run unchanged against the kernel on its own thread (enter crosses a thread boundary).

public sealed class KernelThreadLinkTests : LinkContract
{
    protected override KernelPlacement Kernel => KernelPlacement.KernelThread;
}

public sealed class KernelThreadFileVerbTests : FileVerbContract
{
    protected override KernelPlacement Kernel => KernelPlacement.KernelThread;
}

public sealed class KernelThreadOpenTests : OpenContract
{
    protected override KernelPlacement Kernel => KernelPlacement.KernelThread;
}

public sealed class KernelThreadMalformedSqeTests : MalformedSqeContract
{
    protected override KernelPlacement Kernel => KernelPlacement.KernelThread;
}

public sealed class KernelThreadEnterTests : EnterContract
{
    protected override KernelPlacement Kernel => KernelPlacement.KernelThread;
}

public sealed class KernelThreadWaitingTests : WaitingContract
{
    protected override KernelPlacement Kernel => KernelPlacement.KernelThread;
}

public sealed class KernelThreadDeadlineTests : DeadlineContract
{
    protected override KernelPlacement Kernel => KernelPlacement.KernelThread;
}

public sealed class KernelThreadReentryTests : ReentryContract
{
    protected override KernelPlacement Kernel => KernelPlacement.KernelThread;
}

public sealed class KernelThreadPolicyTests : PolicyContract
{
    protected override KernelPlacement Kernel => KernelPlacement.KernelThread;
}

public sealed class KernelThreadPipeEdgeTests : PipeEdgeContract
{
    protected override KernelPlacement Kernel => KernelPlacement.KernelThread;
}

public sealed class KernelThreadLoopTests : LoopContract
{
    protected override KernelPlacement Kernel => KernelPlacement.KernelThread;
}

public sealed class KernelThreadQuietTests : QuietContract
{
    protected override KernelPlacement Kernel => KernelPlacement.KernelThread;
}

public sealed class KernelThreadDrainTests : DrainContract
{
    protected override KernelPlacement Kernel => KernelPlacement.KernelThread;
}

public sealed class KernelThreadSelfDisposeTests : SelfDisposeContract
{
    protected override KernelPlacement Kernel => KernelPlacement.KernelThread;
}

public sealed class KernelThreadDisposedRingTests : DisposedRingContract
{
    protected override KernelPlacement Kernel => KernelPlacement.KernelThread;
}

public sealed class KernelThreadWakeOrderTests : WakeOrderContract
{
    protected override KernelPlacement Kernel => KernelPlacement.KernelThread;
}
