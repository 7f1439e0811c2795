using VerbRing.Tests.Contracts;
using VerbRing.Tests.Infrastructure;

namespace VerbRing.Tests.Server;

// Every contract, run unchanged through the server: enter is a request on a Unix socket, the ring a shared file.

public sealed class ServerLinkTests : LinkContract
{
    protected override KernelUnderTest Kernel => KernelUnderTest.Server;
}

public sealed class ServerFileVerbTests : FileVerbContract
{
    protected override KernelUnderTest Kernel => KernelUnderTest.Server;
}

public sealed class ServerOpenTests : OpenContract
{
    protected override KernelUnderTest Kernel => KernelUnderTest.Server;
}

public sealed class ServerMalformedSqeTests : MalformedSqeContract
{
    protected override KernelUnderTest Kernel => KernelUnderTest.Server;
}

public sealed class ServerEnterTests : EnterContract
{
    protected override KernelUnderTest Kernel => KernelUnderTest.Server;
}

public sealed class ServerWaitingTests : WaitingContract
{
    protected override KernelUnderTest Kernel => KernelUnderTest.Server;
}

public sealed class ServerDeadlineTests : DeadlineContract
{
    protected override KernelUnderTest Kernel => KernelUnderTest.Server;
}

public sealed class ServerPolicyTests : PolicyContract
{
    protected override KernelUnderTest Kernel => KernelUnderTest.Server;
}

public sealed class ServerPipeEdgeTests : PipeEdgeContract
{
    protected override KernelUnderTest Kernel => KernelUnderTest.Server;
}

public sealed class ServerLoopTests : LoopContract
{
    protected override KernelUnderTest Kernel => KernelUnderTest.Server;
}

public sealed class ServerQuietTests : QuietContract
{
    protected override KernelUnderTest Kernel => KernelUnderTest.Server;
}

public sealed class ServerDrainTests : DrainContract
{
    protected override KernelUnderTest Kernel => KernelUnderTest.Server;
}
