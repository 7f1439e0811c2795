using System.Diagnostics;
using System.Net.Sockets;
using System.Text.Json;
using VerbRing.Kernel;
using VerbRing.Kernel.Namespaces;
using VerbRing.Kernel.Server;
using VerbRing.Registers;
using VerbRing.Tests.Infrastructure;
using VerbRing.Verbs;
using VerbRing.Verbs.Client;

namespace VerbRing.Tests.Server;

/// <summary>
/// The server as a boundary: programs run unchanged through it, its socket and shared memory are hostile input,
/// and a client that dies — even by SIGKILL, mid-chain — costs nobody else anything and leaves nothing behind.
/// </summary>
public sealed class ServerTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("verbring-server-").FullName;
    private readonly MemoryNamespace _files = new();
    private readonly RingServer _server;

    public ServerTests()
    {
        _server = new RingServer(RingFactory.CreateDefault(fileSystem: _files), Path.Combine(_folder, "s.sock"));
    }

    public void Dispose()
    {
        _server.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public void RunConnect_Hello_GivesTheSameJsonAsInProcess()
    {
        var local = CliRunner.Run("run", Repository.PathOf("examples/hello.vr"), "--json");
        var remote = CliRunner.Run("run", Repository.PathOf("examples/hello.vr"), "--json", "--connect", _server.SocketPath);
        remote.ExitCode.ShouldBe(0, remote.Error);
        remote.Out.ShouldBe(local.Out);
    }

    [Fact]
    public void Clients_HaveTheirOwnRegistersAndDescriptors_AndShareTheNamespace()
    {
        using var a = RingClient.Connect(_server.SocketPath);
        using var b = RingClient.Connect(_server.SocketPath);
        a.Registers[0] = 111;
        b.Registers[0].ShouldBe(0UL, "registers are per client");
        a.Push(Sqes.Open(a.Memory.Put("/shared"), OpenFlags.Write | OpenFlags.Create));
        a.SubmitAndWait().IsSuccess.ShouldBeTrue();
        a.TryPop(out var opened).ShouldBeTrue();
        opened.Result.ShouldBe(0UL);

        b.Push(Sqes.Close(0)); // b's descriptor 0 is not a's
        b.SubmitAndWait().IsSuccess.ShouldBeTrue();
        b.TryPop(out var closed).ShouldBeTrue();
        closed.Error.ShouldBe((int)Errno.EBADF);
        _files.ReadFile("/shared").ShouldNotBeNull("the namespace is shared");
    }

    [Theory]
    [InlineData(new uint[] { 0xDEADBEEF, 3, 0, 0, 0 })] // bad magic
    [InlineData(new uint[] { 0x31515256, 99, 0, 0, 0 })] // unknown kind
    [InlineData(new uint[] { 0x31515256, 1, 8, 8, 4096 })] // a second setup
    [InlineData(new uint[] { 0x31515256, 4, 0, 0, 0 })]  // doorbell before ready
    public void Socket_MalformedRequestOnceTheRingExists_GetsAnErrorReplyAndTheConnectionGoesOn(uint[] words)
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Connect(new UnixDomainSocketEndPoint(_server.SocketPath));
        socket.Send(new uint[] { 0x31515256, 1, 8, 8, 4096 }.SelectMany(BitConverter.GetBytes).ToArray());
        SetupTests.ReadReply(socket).Errno.ShouldBe(Errno.OK); // read without its descriptor: the kernel closes it, unmapped

        var request = words.SelectMany(BitConverter.GetBytes).ToArray();
        for (var i = 0; i < 3; i++)
        {
            socket.Send(request);
            SetupTests.ReadReply(socket).Errno.ShouldBe(Errno.EINVAL);
        }

        socket.Send(new byte[200]); // oversized garbage: ten malformed requests, ten error replies
        for (var i = 0; i < 10; i++)
        {
            SetupTests.ReadReply(socket).Errno.ShouldBe(Errno.EINVAL, $"reply {i}");
        }

        socket.Send(new uint[] { 0x31515256, 3, 0, 0, 0 }.SelectMany(BitConverter.GetBytes).ToArray());
        SetupTests.ReadReply(socket).Errno.ShouldBe(Errno.OK, "the server still serves this connection");
        _server.ClientCount.ShouldBe(1);
    }

    [Fact]
    public void Client_CannotResizeItsRingMemory_SoTheServerNeverFaults()
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Connect(new UnixDomainSocketEndPoint(_server.SocketPath));
        socket.Send(new uint[] { 0x31515256, 1, 8, 8, 4096 }.SelectMany(BitConverter.GetBytes).ToArray());
        var reply = new byte[16];
        DescriptorPassing.Receive(socket, reply, out var descriptor, out _).ShouldBeTrue();
        BitConverter.ToInt32(reply, 4).ShouldBe(0);

        // A hostile client takes the ring memory it was given and tries to shrink it under the server's mapping: sealed.
        using (var memory = new FileStream(descriptor.ShouldNotBeNull("the memory came with the reply"), FileAccess.ReadWrite))
        {
            Should.Throw<UnauthorizedAccessException>(() => memory.SetLength(0)); // EPERM: sealed
            Should.Throw<UnauthorizedAccessException>(() => memory.SetLength(1 << 20));
        }

        socket.Send(new uint[] { 0x31515256, 3, 0, 0, 0 }.SelectMany(BitConverter.GetBytes).ToArray());
        socket.Receive(reply).ShouldBe(16);
        BitConverter.ToInt32(reply, 4).ShouldBe(0, "the server still serves it");
    }

    [Fact]
    public void Server_OnASocketPathInUse_Refuses()
    {
        Should.Throw<IOException>(() => new RingServer(RingFactory.CreateDefault(), _server.SocketPath)).Message.ShouldContain("in use");
        using var client = RingClient.Connect(_server.SocketPath);
        client.Enter(0, 0).IsSuccess.ShouldBeTrue("the first server still owns its socket");
    }

    [Fact]
    public void ClientKilledMidChain_TwentyTimes_IsCleanedUpWhileAnotherClientIsServed()
    {
        var program = Path.Combine(_folder, "forever.vr");
        File.WriteAllText(program, "buffer buf 8\npipe -> r0\nread r0.lo, buf, 8 link\nnop\n"); // waits forever, mid-chain
        var served = new ChainClient(_server.SocketPath);

        for (var i = 0; i < 20; i++)
        {
            using var client = CliRunner.Start("run", program, "--connect", _server.SocketPath, "--timeout", "60s");
            WaitUntil(() => _server.Kernels.Any(k => k.InFlight == 2), "the killed client is mid-chain").ShouldBeTrue();
            client.Kill(); // SIGKILL
            client.WaitForExit();
            _server.WaitForClients(1, TimeSpan.FromSeconds(30)).ShouldBeTrue($"kill {i}: the server noticed the dead client");
        }

        served.Stop().ShouldBeGreaterThan(0, "the second client was served throughout");
        _server.WaitForClients(0, TimeSpan.FromSeconds(30)).ShouldBeTrue();
        RingMappings().ShouldBe(0, "every client's mapping was released (both sides of it live in this process)");
        _server.SessionThreads.ShouldBe(0, "no session thread is left");
    }

    [Fact]
    public unsafe void ClientCorruptingItsOwnRing_NeitherCrashesNorHangsTheServer_NorTouchesAnotherClient()
    {
        using var victim = RingClient.Connect(_server.SocketPath, 8, 8, 4096);
        var served = new ChainClient(_server.SocketPath);
        var random = new Random(1234);
        var control = new Span<byte>(victim.Region.Pointer, (int)victim.Region.Layout.CqOffset); // control area and SQ
        for (var i = 0; i < 2000; i++)
        {
            random.NextBytes(control);
            var entered = victim.Enter((uint)random.Next(0, 16), 0);
            entered.Error.ShouldBeOneOf(Errno.OK, Errno.EINVAL, Errno.EBUSY, Errno.EAGAIN);
        }

        served.Stop().ShouldBeGreaterThan(0, "the other client was served throughout, correctly");
        _server.WaitForClients(1, TimeSpan.FromSeconds(30)).ShouldBeTrue();
        _server.ClientCount.ShouldBe(1, "only the corrupted client is left, and it is still served");
    }

    private int RingMappings() => File.ReadAllLines("/proc/self/maps").Count(l => l.Contains(_server.RingName, StringComparison.Ordinal));

    /// <summary>Waits for a condition another process brings about, by polling it (yielding, never sleeping).</summary>
    private static bool WaitUntil(Func<bool> condition, string what) =>
        SpinWait.SpinUntil(condition, TimeSpan.FromSeconds(60)) ? true : throw new TimeoutException(what);
}
