using VerbRing.Kernel;
using VerbRing.Tests.Contracts;
using VerbRing.Tests.Infrastructure;

namespace VerbRing.Tests.Server;

// Every contract, run unchanged through the server: enter is a request on a Unix socket, the ring a shared file.

public sealed class ServerLinkTests : LinkContract
{
    protected override KernelPlacement Kernel => KernelPlacement.Server;
}

public sealed class ServerFileVerbTests : FileVerbContract
{
    protected override KernelPlacement Kernel => KernelPlacement.Server;
}

public sealed class ServerOpenTests : OpenContract
{
    protected override KernelPlacement Kernel => KernelPlacement.Server;
}

public sealed class ServerMalformedSqeTests : MalformedSqeContract
{
    protected override KernelPlacement Kernel => KernelPlacement.Server;
}

public sealed class ServerEnterTests : EnterContract
{
    protected override KernelPlacement Kernel => KernelPlacement.Server;
}

public sealed class ServerWaitingTests : WaitingContract
{
    protected override KernelPlacement Kernel => KernelPlacement.Server;
}

public sealed class ServerDeadlineTests : DeadlineContract
{
    protected override KernelPlacement Kernel => KernelPlacement.Server;
}

public sealed class ServerPolicyTests : PolicyContract
{
    protected override KernelPlacement Kernel => KernelPlacement.Server;
}

public sealed class ServerPipeEdgeTests : PipeEdgeContract
{
    protected override KernelPlacement Kernel => KernelPlacement.Server;
}

public sealed class ServerLoopTests : LoopContract
{
    protected override KernelPlacement Kernel => KernelPlacement.Server;
}

public sealed class ServerQuietTests : QuietContract
{
    protected override KernelPlacement Kernel => KernelPlacement.Server;
}

public sealed class ServerDrainTests : DrainContract
{
    protected override KernelPlacement Kernel => KernelPlacement.Server;
}

public sealed class ServerDisposedRingTests : DisposedRingContract
{
    protected override KernelPlacement Kernel => KernelPlacement.Server;
}

public sealed class ServerWakeOrderTests : WakeOrderContract
{
    protected override KernelPlacement Kernel => KernelPlacement.Server;
}
