using Microsoft.Extensions.Time.Testing;
using VerbRing.Kernel;
using VerbRing.Kernel.Namespaces;
using VerbRing.Kernel.Server;
using VerbRing.Registers;
using VerbRing.Tests.Infrastructure;
using VerbRing.Verbs;
using VerbRing.Verbs.Client;

namespace VerbRing.Tests.Server;

/// <summary>
/// The server's doorbell: enters cross in shared memory, the page lies where spec/transport.md says, and neither
/// a client that vanishes while the server sleeps on the futex, nor one scribbling over its page, nor a crowd of
/// clients on two cores, costs the server or another client anything. (The contracts run over it too.)
/// </summary>
public sealed unsafe class DoorbellTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("verbring-doorbell-").FullName;
    private readonly RingServer _server;

    public DoorbellTests()
    {
        _server = new RingServer(RingFactory.CreateDefault(fileSystem: new MemoryNamespace(), time: new FakeTimeProvider()), Path.Combine(_folder, "d.sock"));
    }

    public void Dispose()
    {
        _server.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public void Doorbell_LiesOnePageAfterTheRing_WithTheDocumentedLayout()
    {
        using var client = new RawDoorbellClient(_server.SocketPath, 64, 128, 65536);
        client.Switch.ShouldBe((0, (uint)client.Layout.TotalSize, 4096u), "errno, offset = the ring's page-rounded size, one page");

        // spec/transport.md, "The doorbell page": the client's line, then the server's.
        (Doorbell.RequestOffset, Doorbell.AmountOffset, Doorbell.WaitOffset, Doorbell.UserSleepingOffset, Doorbell.UserCpuOffset, Doorbell.TimeoutOffset)
            .ShouldBe((0, 4, 8, 12, 16, 20));
        (Doorbell.ReplyOffset, Doorbell.ConsumedOffset, Doorbell.ErrnoOffset, Doorbell.KernelSleepingOffset, Doorbell.KernelCpuOffset).ShouldBe((64, 68, 72, 76, 80));
        (Doorbell.Size, Doorbell.SliceMs, Doorbell.MaxSliceMs).ShouldBe((4096, 20, 250));
    }

    [Fact]
    public void Connect_EntersThroughTheDoorbell_OneSequencePerEnter()
    {
        using var ring = RingClient.Connect(_server.SocketPath, 8, 8, 4096);
        var bell = new Doorbell(((MappedRingRegion)ring.Region).Trailer);
        for (var i = 1; i <= 100; i++)
        {
            ring.Push(Sqes.Nop(data: (ulong)i));
            ring.Enter(1, 1).ShouldBe(new EnterResult(1, Errno.OK));
            ring.TryPop(out var cqe).ShouldBeTrue();
            cqe.Data.ShouldBe((ulong)i);
        }

        (*bell.Request, *bell.Reply, *bell.Consumed).ShouldBe((100, 100, 1u), "a hundred requests rang and were answered on the page");
    }

    [Fact]
    public void Connect_WithTheSocketTransport_StaysOnTheSocket()
    {
        using (var ring = RingClient.Connect(_server.SocketPath, transport: EnterTransport.Socket))
        {
            ((MappedRingRegion)ring.Region).TrailerSize.ShouldBe(0, "a socket client does not even map the page");
            ring.Push(Sqes.Nop());
            ring.Enter(1, 1).ShouldBe(new EnterResult(1, Errno.OK));
        }

        new ChainClient(_server.SocketPath, rounds: 20, EnterTransport.Socket).Join().ShouldBe(20);
    }

    [Fact]
    public void ClientHangingUp_WhileTheServerSleepsOnTheFutex_IsNoticed()
    {
        using var client = new RawDoorbellClient(_server.SocketPath);
        WaitUntil(() => Volatile.Read(ref *client.Bell.KernelSleeping) != 0, "the server spun, then went to sleep on the request word");

        client.HangUp(); // as a killed process does: the socket closes, nobody rings
        _server.WaitForClients(0, TimeSpan.FromSeconds(30)).ShouldBeTrue("the server woke at the end of its slice and saw the socket closed");
        WaitUntil(() => _server.SessionThreads == 0, "the session thread ended");
    }

    [Fact]
    public void ClientWritingToTheSocket_AfterTheSwitch_EndsItsOwnSessionOnly()
    {
        var served = new ChainClient(_server.SocketPath);
        using var client = new RawDoorbellClient(_server.SocketPath);
        client.SendOnSocket(new uint[] { Wire.RequestMagic, Wire.Enter, 0, 0, 0 }.SelectMany(BitConverter.GetBytes).ToArray());

        _server.WaitForClients(1, TimeSpan.FromSeconds(30)).ShouldBeTrue("a client on the doorbell that talks on the socket broke the protocol");
        served.Stop().ShouldBeGreaterThan(0, "the other client was served throughout");
    }

    [Fact]
    public void Server_StoppingWhileAClientSleepsOnTheDoorbell_FailsItsEnterWithEpipe()
    {
        using var server = new RingServer(RingFactory.CreateDefault(time: new FakeTimeProvider()), Path.Combine(_folder, "stop.sock"));
        using var ring = RingClient.Connect(server.SocketPath, 8, 8, 4096);
        ring.Push(Sqes.Nop(timeout: 1_000_000_000)); // a sleep on a clock that never moves: the enter waits
        var entered = default(EnterResult);
        var waiter = new Thread(() => entered = ring.Enter(1, 1));
        waiter.Start();
        WaitUntil(() => server.Kernels.Any(k => k.InFlight == 1), "the enter waits in the server");

        server.Dispose();
        waiter.Join();
        entered.ShouldBe(new EnterResult(0, Errno.EPIPE));
        ring.Enter(0, 0).ShouldBe(new EnterResult(0, Errno.EPIPE), "and so is every enter after it");
    }

    [Fact]
    public void ClientScribblingOverItsDoorbell_NeitherCrashesNorHangsTheServer_NorTouchesAnotherClient()
    {
        var served = new ChainClient(_server.SocketPath);
        using var hostile = new RawDoorbellClient(_server.SocketPath);
        var hammer = new Thread(() => Hammer(hostile));
        hammer.Start();

        using var victim = RingClient.Connect(_server.SocketPath, 8, 8, 4096);
        var page = new Span<byte>(((MappedRingRegion)victim.Region).Trailer, Doorbell.Size);
        var random = new Random(4321);
        for (var i = 0; i < 1000; i++)
        {
            random.NextBytes(page); // sequences, amount, wait, flags, the answer: all of it
            victim.Enter((uint)random.Next(0, 16), 0).Error.ShouldBeOneOf(Errno.OK, Errno.EINVAL, Errno.EBUSY, Errno.EAGAIN);
        }

        hammer.Join();
        hostile.HangUp();
        served.Stop().ShouldBeGreaterThan(0, "the other client was served throughout, correctly");
        _server.WaitForClients(1, TimeSpan.FromSeconds(30)).ShouldBeTrue("the hostile client's session ended when it hung up");
        victim.Push(Sqes.Nop(data: 7));
        victim.Enter(1, 1).ShouldBe(new EnterResult(1, Errno.OK), "the scribbler is still served once it rings properly");
        victim.TryPop(out var cqe).ShouldBeTrue();
        cqe.Data.ShouldBe(7UL);
    }

    [Fact]
    public void SixtyFourClients_AtOnce_AreEachServedCorrectly_AndLeaveNothingBehind()
    {
        var clients = Enumerable.Range(0, 64).Select(_ => new ChainClient(_server.SocketPath, rounds: 20)).ToList();
        clients.Sum(c => c.Join()).ShouldBe(64 * 20);

        _server.WaitForClients(0, TimeSpan.FromSeconds(30)).ShouldBeTrue();
        WaitUntil(() => _server.SessionThreads == 0, "every session thread ended");
        File.ReadAllLines("/proc/self/maps").Count(l => l.Contains(_server.RingName, StringComparison.Ordinal)).ShouldBe(0, "every mapping was released");
    }

    /// <summary>Random words over the whole page, sequences included, with a wake now and then, a fixed number of times.</summary>
    private static void Hammer(RawDoorbellClient client)
    {
        var random = new Random(99);
        var words = (int*)client.Bell.Request;
        for (var i = 0; i < 200_000; i++)
        {
            // Volatile.Write: every store lands, as a hostile process's would; the server must cope with any of them.
            Volatile.Write(ref words[random.Next(0, 32)], random.Next());
            if (i % 1000 == 0)
            {
                Futex.WakeOne(client.Bell.Request);
            }
        }
    }

    private static void WaitUntil(Func<bool> condition, string what) =>
        SpinWait.SpinUntil(condition, TimeSpan.FromSeconds(60)).ShouldBeTrue(what);
}
