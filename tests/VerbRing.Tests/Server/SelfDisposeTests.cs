using VerbRing.Kernel;
using VerbRing.Kernel.Namespaces;
using VerbRing.Kernel.Server;
using VerbRing.Tests.Infrastructure;
using VerbRing.Verbs;
using VerbRing.Verbs.Client;
using VerbRing.Verbs.Time;

namespace VerbRing.Tests.Server;

/// <summary>
/// The server's side of a ring disposed from inside its own kernel: a custom verb that stops the whole server, from a
/// client's enter on the session thread or from a chain a timer resumed, or that disposes its session's kernel. Every
/// wait ends (a hang fails at <see cref="Bound"/>), the teardown closes the client's host files, and the client learns
/// it from its next answer. The in-process kernels' side is SelfDisposeContract.
/// </summary>
public sealed class SelfDisposeTests : IDisposable
{
    /// <summary>How long a call may take before it counts as hung: a bound on a wait, not a sleep.</summary>
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    private readonly HostBox _box = new();
    private readonly HostNamespace _files;
    private readonly ManualClock _clock = new();
    private readonly DisposeVerb _verb = new();
    private readonly RingServer _server;

    public SelfDisposeTests()
    {
        _box.WriteFile("kept.txt", "kept open");
        _files = new HostNamespace(_box.Sandbox);
        _server = new RingServer(RingFactory.CreateDefault(fileSystem: _files, time: _clock, extraVerbs: [_verb]), Path.Combine(_box.Top, "s.sock"));
    }

    public void Dispose()
    {
        _server.Dispose(); // after a verb stopped it: a second Dispose
        _files.Dispose();
        _box.Dispose();
    }

    [Theory]
    [InlineData(EnterTransport.Doorbell)]
    [InlineData(EnterTransport.Socket)]
    public async Task ServerDispose_FromAVerbOfAClientsEnter_EndsEverySessionAndTheClientLearnsTheServerIsGone(EnterTransport transport)
    {
        _verb.Target = _server;
        using var client = RingClient.Connect(_server.SocketPath, transport: transport);
        using var other = RingClient.Connect(_server.SocketPath, transport: transport);
        var kernels = _server.Kernels;
        OpenKeptFile(client);
        client.Push(Sqes.Create(DisposeVerb.Code, data: 2));

        // WaitAsync: a hung enter fails the test with a TimeoutException at the bound.
        var result = await Task.Run(() => client.Enter(1, 1)).WaitAsync(Bound);

        result.ShouldBe(new EnterResult(0, Errno.EPIPE), "the session ends without an answer: the server is gone");
        ShouldHaveEndedEverySession(kernels);
        _verb.Returned.ShouldBe(1, "the server's Dispose returned inside the verb (its session ended after it)");
        client.Enter(0, 0).ShouldBe(new EnterResult(0, Errno.EPIPE), "a later enter finds the server gone");
        other.Enter(0, 0).ShouldBe(new EnterResult(0, Errno.EPIPE), "so does the other client's");
    }

    [Theory]
    [InlineData(EnterTransport.Doorbell)]
    [InlineData(EnterTransport.Socket)]
    public async Task ServerDispose_FromAChainATimerResumed_EndsEverySessionAsTheCallbackEnds(EnterTransport transport)
    {
        // The timer's thread holds the session kernel's lock while the verb runs; the session thread, told to stop,
        // needs that lock to tear down. Waiting there for every session thread would wait for ourselves.
        _verb.Target = _server;
        using var client = RingClient.Connect(_server.SocketPath, transport: transport);
        var kernels = _server.Kernels;
        OpenKeptFile(client);
        client.Push(Sqes.Nop(link: SqeLink.Link, data: 1, timeout: 1_000_000));
        client.Push(Sqes.Create(DisposeVerb.Code, data: 2));
        client.Enter(2, 0).ShouldBe(new EnterResult(2, Errno.OK));

        await Task.Run(() => _clock.Advance(TimeSpan.FromMilliseconds(1))).WaitAsync(Bound);

        _verb.Returned.ShouldBe(1);
        ShouldHaveEndedEverySession(kernels);
        client.Enter(0, 0).ShouldBe(new EnterResult(0, Errno.EPIPE), "a later enter finds the server gone");
    }

    [Theory]
    [InlineData(EnterTransport.Doorbell)]
    [InlineData(EnterTransport.Socket)]
    public async Task KernelDispose_FromAVerbOnTheSessionThread_AnswersEcanceledThenRefusesEnters(EnterTransport transport)
    {
        using var client = RingClient.Connect(_server.SocketPath, transport: transport);
        var kernel = _server.Kernels.Single();
        _verb.Target = kernel;
        OpenKeptFile(client);
        client.Push(Sqes.Create(DisposeVerb.Code, data: 2));

        var result = await Task.Run(() => client.Enter(1, 1)).WaitAsync(Bound);

        result.ShouldBe(new EnterResult(1, Errno.ECANCELED), "it consumed the verb's SQE; the ring was torn down before it answered");
        _verb.Returned.ShouldBe(1);
        kernel.OpenDescriptors.ShouldBe(0, "the teardown closed the client's descriptors");
        _box.OpenHandles().ShouldBeEmpty("and its file on the host");
        client.Enter(0, 0).ShouldBe(new EnterResult(0, Errno.EINVAL), "a torn-down ring refuses enters, as in process");
        client.Dispose();
        _server.WaitForClients(0, Bound).ShouldBeTrue("the session still ends with its client");
    }

    private void OpenKeptFile(IoRing client)
    {
        client.Push(Sqes.Open(client.Memory.Put("/kept.txt"), OpenFlags.Read));
        client.Enter(1, 1).ShouldBe(new EnterResult(1, Errno.OK));
        client.TryPop(out var open).ShouldBeTrue();
        open.Error.ShouldBe(0, "open");
        _box.OpenHandles().ShouldNotBeEmpty("the OPEN holds a host handle, so the check after the teardown can fail");
    }

    private void ShouldHaveEndedEverySession(IReadOnlyList<RingKernel> kernels)
    {
        _server.WaitForClients(0, Bound).ShouldBeTrue("every session ends, the one whose verb stopped the server too");
        _server.SessionThreads.ShouldBe(0);
        kernels.ShouldAllBe(kernel => kernel.OpenDescriptors == 0, "every teardown closed its descriptors");
        _box.OpenHandles().ShouldBeEmpty("and the client's file on the host");
    }
}
