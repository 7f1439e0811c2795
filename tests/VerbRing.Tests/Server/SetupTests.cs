using System.Buffers.Binary;
using System.Net.Sockets;
using VerbRing.Kernel;
using VerbRing.Kernel.Server;
using VerbRing.Tests.Infrastructure;
using VerbRing.Verbs;
using VerbRing.Verbs.Client;
using VerbRing.Verbs.Time;

namespace VerbRing.Tests.Server;

/// <summary>
/// The server's setup (spec/transport.md, "Setup"): a connection that does not speak the protocol is answered and
/// closed at once, one that dribbles is closed at its whole-setup deadline however it spreads its bytes, a ring past
/// <c>MaxClients</c> is refused with a reply that says so, and too many connections in setup cost the oldest of them
/// its place. Deadlines run on a manual clock.
/// </summary>
public sealed class SetupTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("verbring-setup-").FullName;
    private readonly ManualClock _clock = new();
    private readonly List<IDisposable> _owned = [];

    public void Dispose()
    {
        foreach (var owned in Enumerable.Reverse(_owned))
        {
            owned.Dispose();
        }

        Directory.Delete(_folder, recursive: true);
    }

    [Theory]
    [InlineData(new uint[] { 0xDEADBEEF, 1, 8, 8, 0 })] // bad magic
    [InlineData(new uint[] { 0x31515256, 99, 0, 0, 0 })] // unknown kind
    [InlineData(new uint[] { 0x31515256, 2, 0, 0, 0 })]  // ready before setup
    [InlineData(new uint[] { 0x31515256, 3, 1, 1, 0 })]  // enter before setup
    [InlineData(new uint[] { 0x31515256, 4, 0, 0, 0 })]  // doorbell before setup
    [InlineData(new uint[] { 0x31515256, 1, 3, 8, 0 })]  // setup with an SQ that is not a power of two
    public void Setup_MalformedFirstRequest_IsAnsweredEinvalAndClosedAtOnce(uint[] words)
    {
        var server = Serve();
        using var socket = Connect(server);
        socket.Send([.. Words(words), 0xEE, 0xEE, 0xEE]); // and the start of another request, which nobody reads
        ReadReply(socket).ShouldBe((Errno.EINVAL, 0u), "an error reply first, so the client knows why");
        socket.Receive(new byte[1]).ShouldBe(0, "then a clean close (not a reset for the unread bytes) — no deadline involved");
        server.WaitForClients(0, TimeSpan.FromSeconds(30)).ShouldBeTrue();
        _clock.ArmedTimers.ShouldBe(0, "its deadline went with it");
    }

    [Fact]
    public void Setup_Silent_IsClosedWithEtimedoutAtTheDeadline()
    {
        var server = Serve();
        using var socket = Connect(server);
        server.WaitForConnectionsInSetup(1, TimeSpan.FromSeconds(30)).ShouldBeTrue();
        _clock.Advance(TimeSpan.FromSeconds(10) - TimeSpan.FromTicks(1));
        _clock.ArmedTimers.ShouldBe(1, "a tick before the deadline it still waits");
        _clock.Advance(TimeSpan.FromTicks(1));
        ReadReply(socket).ShouldBe((Errno.ETIMEDOUT, 0u));
        socket.Receive(new byte[1]).ShouldBe(0, "then closed");
        server.WaitForClients(0, TimeSpan.FromSeconds(30)).ShouldBeTrue();
    }

    [Fact]
    public void Setup_DribbledOverLongerThanTheDeadline_IsClosedWithEtimedout_ThoughNoSingleWaitWasLong()
    {
        var server = Serve();
        using var socket = Connect(server);
        server.WaitForConnectionsInSetup(1, TimeSpan.FromSeconds(30)).ShouldBeTrue();
        var setup = Words([0x31515256, 1, 8, 8, 4096]);
        for (var i = 0; i < 4; i++)
        {
            _clock.ArmedTimers.ShouldBe(1, $"{3 * i} s in, its deadline still stands");
            socket.Send(setup.AsSpan(i, 1)); // a byte every 3 s: no wait between bytes comes near the 10 s deadline
            _clock.Advance(TimeSpan.FromSeconds(3));
        }

        ReadReply(socket).ShouldBe((Errno.ETIMEDOUT, 0u), "12 s in, the whole setup took longer than 10 s");
        socket.Receive(new byte[1]).ShouldBe(0, "then closed");
        server.WaitForClients(0, TimeSpan.FromSeconds(30)).ShouldBeTrue();
    }

    [Fact]
    public void Setup_AsRingClientDoesIt_ProducesARingWithinTheDeadline()
    {
        var server = Serve();
        using var ring = RingClient.Connect(server.SocketPath, 8, 8, 4096);
        ring.Enter(0, 0).ShouldBe(new EnterResult(0, Errno.OK));
        (server.RingCount, server.ConnectionsInSetup, server.SessionThreads).ShouldBe((1, 0, 1), "one ring, one thread, nothing left in setup");
        _clock.Advance(TimeSpan.FromMinutes(1));
        ring.Enter(0, 0).ShouldBe(new EnterResult(0, Errno.OK), "the deadline ended with setup: an idle ring may wait as long as it likes");
    }

    [Fact]
    public void Setup_PastMaxUserMemory_IsRefusedWithEinvalAndTheLimit_AndTheClientSaysWhichLimit()
    {
        var server = Serve(new RingServerOptions { Time = _clock, MaxUserMemory = 1u << 20 });
        using (var socket = Connect(server))
        {
            socket.Send(Words([0x31515256, 1, 8, 8, 2u << 20]));
            ReadReply(socket).ShouldBe((Errno.EINVAL, 1u << 20), "refused, with the limit it passed");
            socket.Receive(new byte[1]).ShouldBe(0, "and closed");
        }

        Should.Throw<IOException>(() => RingClient.Connect(server.SocketPath, 8, 8, (1u << 20) + 1)).Message
            .ShouldBe("The server gives a ring at most 1048576 bytes of user memory, and this one asked for 1048577 (EINVAL): ask for less, or start the server with a larger --max-user-memory.");
        using var within = RingClient.Connect(server.SocketPath, 8, 8, 1u << 20);
        within.Enter(0, 0).ShouldBe(new EnterResult(0, Errno.OK), "a ring at the limit is served");
    }

    [Fact]
    public void Setup_PastMaxClients_IsRefusedWithEagainAndTheLimit_AndServedOnceARingIsGone()
    {
        var server = Serve(new RingServerOptions { Time = _clock, MaxClients = 2 });
        var first = RingClient.Connect(server.SocketPath);
        using var second = RingClient.Connect(server.SocketPath);
        using (var socket = Connect(server))
        {
            socket.Send(Words([0x31515256, 1, 8, 8, 4096]));
            ReadReply(socket).ShouldBe((Errno.EAGAIN, 2u), "refused, with the limit it hit");
            socket.Receive(new byte[1]).ShouldBe(0, "and closed");
        }

        Should.Throw<IOException>(() => RingClient.Connect(server.SocketPath)).Message
            .ShouldBe("The server is full: it serves at most 2 clients at once (EAGAIN); try again later.");
        server.RingCount.ShouldBe(2);

        first.Dispose();
        server.WaitForClients(1, TimeSpan.FromSeconds(30)).ShouldBeTrue();
        using var third = RingClient.Connect(server.SocketPath);
        third.Enter(0, 0).ShouldBe(new EnterResult(0, Errno.OK), "a ring went, so a new one is served");
    }

    [Fact]
    public void Setup_ConnectionsInSetupPastTheirBound_RefuseTheOldestWithEagain()
    {
        var server = Serve(new RingServerOptions { Time = _clock, MaxConnectionsInSetup = 2 });
        using var oldest = Connect(server);
        server.WaitForConnectionsInSetup(1, TimeSpan.FromSeconds(30)).ShouldBeTrue();
        using var middle = Connect(server);
        server.WaitForConnectionsInSetup(2, TimeSpan.FromSeconds(30)).ShouldBeTrue();
        using var ring = RingClient.Connect(server.SocketPath); // the third connection in setup

        ReadReply(oldest).ShouldBe((Errno.EAGAIN, 0u), "the oldest made room, told why (a = 0: not the ring limit)");
        oldest.Receive(new byte[1]).ShouldBe(0);
        ring.Enter(0, 0).ShouldBe(new EnterResult(0, Errno.OK), "the newcomer was served");
        server.ConnectionsInSetup.ShouldBe(1, "the middle one still sets up");
    }

    private RingServer Serve(RingServerOptions? options = null)
    {
        var server = new RingServer(RingFactory.CreateDefault(), Path.Combine(_folder, $"{_owned.Count}.sock"), options ?? new RingServerOptions { Time = _clock });
        _owned.Add(server);
        return server;
    }

    private static Socket Connect(RingServer server)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified) { ReceiveTimeout = 30_000 };
        socket.Connect(new UnixDomainSocketEndPoint(server.SocketPath));
        return socket;
    }

    private static byte[] Words(uint[] words) => [.. words.SelectMany(BitConverter.GetBytes)];

    /// <summary>One reply: its errno and its first word; checks the magic.</summary>
    internal static (Errno Errno, uint A) ReadReply(Socket socket)
    {
        var reply = new byte[Wire.ReplySize];
        Wire.ReadExactly(socket, reply).ShouldBeTrue("a reply came");
        BinaryPrimitives.ReadUInt32LittleEndian(reply).ShouldBe(Wire.ReplyMagic);
        return ((Errno)BinaryPrimitives.ReadInt32LittleEndian(reply.AsSpan(4)), BinaryPrimitives.ReadUInt32LittleEndian(reply.AsSpan(8)));
    }
}
