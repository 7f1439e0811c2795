using System.Net.Sockets;
using VerbRing.Kernel;
using VerbRing.Kernel.Server;
using VerbRing.Registers;
using VerbRing.Tests.Infrastructure;
using VerbRing.Verbs;
using VerbRing.Verbs.Client;

namespace VerbRing.Tests.Composition;

/// <summary>
/// What setting up a ring allows, where PatchworkOS differs (spec/differences.md): no limit of 8 rings, entry counts
/// up to 32 768, user memory up to 256 MiB (a server client's up to its cap), the documented defaults, and the
/// server's setup refusals.
/// </summary>
public sealed class SetupLimitTests : IDisposable
{
    private const uint SetupKind = 1;
    private const uint RequestMagic = 0x31515256; // "VRQ1"
    private readonly string _folder = Directory.CreateTempSubdirectory("verbring-setup-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Layout_TakesTheLargestShape_AndRefusesOneStepBeyond()
    {
        var largest = new RingLayout(RingLayout.MaxEntries, RingLayout.MaxEntries, RingLayout.MaxUserMemory);
        largest.SqEntries.ShouldBe(32768u);
        largest.CqEntries.ShouldBe(32768u);
        largest.UserMemorySize.ShouldBe(256u << 20);

        Should.Throw<ArgumentOutOfRangeException>(() => new RingLayout(65536, 1, 0));
        Should.Throw<ArgumentOutOfRangeException>(() => new RingLayout(1, 65536, 0));
        Should.Throw<ArgumentOutOfRangeException>(() => new RingLayout(1, 1, (256u << 20) + 1));
        Should.Throw<ArgumentOutOfRangeException>(() => RingFactory.CreateDefault().Create(new RingOptions { CqEntries = 65536 }));
    }

    [Fact]
    public void Create_ServerPlacement_ThrowsAndPointsToTheClient()
    {
        var factory = RingFactory.CreateDefault();

        var error = Should.Throw<ArgumentException>(() => factory.Create(new RingOptions { Placement = KernelPlacement.Server }));

        error.ParamName.ShouldBe("options");
        error.Message.ShouldContain("RingClient.Connect");
        using var ring = factory.Create(new RingOptions { Placement = KernelPlacement.KernelThread });
        ring.Layout.SqEntries.ShouldBe(64u);
    }

    [Fact]
    public void Options_Defaults_AreTheDocumentedOnes()
    {
        using var ring = RingFactory.CreateDefault().Create();
        ring.Layout.SqEntries.ShouldBe(64u);
        ring.Layout.CqEntries.ShouldBe(128u);
        ring.Layout.UserMemorySize.ShouldBe(64u * 1024);

        var options = new RingOptions();
        options.MaxDescriptors.ShouldBe(64);
        options.EffectiveMaxInFlight.ShouldBe(RingOptions.DefaultMaxInFlight);
        RingOptions.DefaultMaxInFlight.ShouldBe(16 * 1024, "waiting operations at most");
        options.EnterTimeout.ShouldBe(TimeSpan.FromSeconds(10));
        options.PipeCapacity.ShouldBe(4096);
        new RingServerOptions().MaxUserMemory.ShouldBe(16u << 20);
        new RingServerOptions().MaxClients.ShouldBe(256);
    }

    [Fact]
    public void Factory_MoreThanEightRings_AllRunAtOnce()
    {
        // PatchworkOS refuses a 9th ring per process with EMFILE; a factory makes as many as asked, all independent.
        var factory = RingFactory.CreateDefault();
        OpenAtOnceAndRunANopOnEach(16, () => factory.Create(new RingOptions { SqEntries = 1, CqEntries = 1, UserMemorySize = 0 }));
    }

    [Fact]
    public void Server_MoreThanEightClients_AreAllServed()
    {
        using var server = new RingServer(RingFactory.CreateDefault(), Path.Combine(_folder, "s.sock"));
        OpenAtOnceAndRunANopOnEach(9, () => RingClient.Connect(server.SocketPath, 1, 1, 0), () => server.ClientCount.ShouldBe(9));
    }

    [Fact]
    public void Server_Setup_RefusesWhatTheLayoutRefuses_AndASecondSetup()
    {
        using var server = new RingServer(RingFactory.CreateDefault(), Path.Combine(_folder, "s.sock"), new RingServerOptions { MaxUserMemory = 8192 });

        // A refused setup closes its connection (spec/transport.md, "Setup"), so each refusal gets a connection of its own.
        foreach (var (sq, cq, user, why) in new[] { (65536u, 1u, 0u, "SQ too large"), (1u, 65536u, 0u, "CQ too large"), (1u, 1u, 8193u, "more than the server's MaxUserMemory") })
        {
            using var refused = Connect(server);
            Setup(refused, sq, cq, user).ShouldBe(Errno.EINVAL, why);
        }

        using var socket = Connect(server);
        Setup(socket, RingLayout.MaxEntries, RingLayout.MaxEntries, 8192).ShouldBe(Errno.OK, "the largest shape, the cap exactly");
        Setup(socket, 1, 1, 0).ShouldBe(Errno.EINVAL, "one ring per connection");
    }

    /// <summary>
    /// Opens <paramref name="count"/> rings, all alive at once, checks <paramref name="whileOpen"/>, then runs a NOP
    /// tagged with its index on each and expects its own CQE back; disposes them all whatever happens.
    /// </summary>
    private static void OpenAtOnceAndRunANopOnEach(int count, Func<IoRing> open, Action? whileOpen = null)
    {
        var rings = new List<IoRing>();
        try
        {
            for (var i = 0; i < count; i++)
            {
                rings.Add(open());
            }

            whileOpen?.Invoke();
            for (var i = 0; i < rings.Count; i++)
            {
                rings[i].Push(Sqes.Nop(data: (ulong)i));
                rings[i].Enter(1, 1).ShouldBe(new EnterResult(1, Errno.OK), $"ring {i}");
                rings[i].TryPop(out var cqe).ShouldBeTrue();
                cqe.ShouldSucceedWith(0);
                cqe.Data.ShouldBe((ulong)i, "each ring gets its own completion");
            }
        }
        finally
        {
            rings.ForEach(r => r.Dispose());
        }
    }

    private static Socket Connect(RingServer server)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Connect(new UnixDomainSocketEndPoint(server.SocketPath));
        return socket;
    }

    /// <summary>
    /// Sends a raw setup request (spec/transport.md) and returns the reply's errno; the memory's descriptor that comes
    /// with an OK is dropped by the plain read (the kernel closes it).
    /// </summary>
    private static Errno Setup(Socket socket, uint sq, uint cq, uint user)
    {
        socket.Send(new[] { RequestMagic, SetupKind, sq, cq, user }.SelectMany(BitConverter.GetBytes).ToArray());
        var reply = new byte[16];
        socket.Receive(reply, SocketFlags.None).ShouldBe(16);
        return (Errno)BitConverter.ToInt32(reply, 4);
    }
}
