using VerbRing.Kernel;
using VerbRing.Kernel.Server;
using VerbRing.Tests.Server;
using VerbRing.Verbs;
using VerbRing.Verbs.Client;

namespace VerbRing.Tests.Hosting;

/// <summary>
/// Issue 16, "nothing to watch": the VerbRing meter counts a server's sessions, enters, SQEs and per-verb errors,
/// read through a MeterListener with no code of the server's. The meter is the process's, so these tests run alone
/// (after the parallel ones) and compare before with after.
/// </summary>
[Collection(nameof(ThreadCounting))]
public sealed class MetricsTests : IDisposable
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(10);
    private readonly string _folder = Directory.CreateTempSubdirectory("verbring-metrics-").FullName;

    [Fact]
    public void Meter_NamedVerbRing_PublishesEveryInstrument()
    {
        using var meter = new MeterReader();
        using var server = new RingServer(RingFactory.CreateDefault(), Path.Combine(_folder, "i.sock"));

        meter.Read().Keys.Where(k => !k.Contains('[', StringComparison.Ordinal)).Order(StringComparer.Ordinal).ShouldBe(
        [
            "verbring.cq.backlog", "verbring.enters", "verbring.handoff.stalls", "verbring.sessions.active",
            "verbring.sessions.opened", "verbring.sessions.refused", "verbring.sqes",
        ]);
        VerbRingMetrics.MeterName.ShouldBe("VerbRing");
    }

    [Theory]
    [InlineData(EnterTransport.Socket)]
    [InlineData(EnterTransport.Doorbell)]
    public void Server_AChainWithAFailingOpen_CountsSessionEnterSqesAndTheVerbsErrors(EnterTransport transport)
    {
        using var meter = new MeterReader();
        using var server = new RingServer(RingFactory.CreateDefault(), Path.Combine(_folder, "m.sock"));
        var before = meter.Read();

        Dictionary<string, long> during;
        using (var ring = RingClient.Connect(server.SocketPath, transport: transport))
        {
            var missing = ring.Memory.Put("/missing.txt");
            var buffer = ring.Memory.Reserve(16);
            ring.Push(Sqes.Open(missing, OpenFlags.Read, save: Reg.R0, link: SqeLink.Link));
            ring.Push(Sqes.Read(Reg.R0, buffer, 16, offset: 0));
            ring.Push(Sqes.Nop());

            ring.SubmitAndWait().ShouldBe(new EnterResult(3, Errno.OK));
            during = new(meter.Read());
        }

        server.WaitForClients(0, Limit).ShouldBeTrue();
        var after = meter.Read();

        Delta(before, during, "verbring.sessions.opened").ShouldBe(1);
        Delta(before, during, "verbring.sessions.active").ShouldBe(1);
        Delta(before, during, "verbring.enters").ShouldBe(1);
        Delta(before, during, "verbring.sqes").ShouldBe(3);
        Delta(before, during, "verbring.verb.errors[open]").ShouldBe(1, "ENOENT");
        Delta(before, during, "verbring.verb.errors[read]").ShouldBe(1, "ECANCELED: its link broke");
        Delta(before, during, "verbring.verb.errors[nop]").ShouldBe(0);
        Delta(before, during, "verbring.sessions.refused").ShouldBe(0);
        Delta(before, after, "verbring.sessions.active").ShouldBe(0, "the session closed");
        Delta(before, after, "verbring.sqes").ShouldBe(3, "a torn-down ring's counts stay in the totals");
        Delta(before, after, "verbring.verb.errors[open]").ShouldBe(1);
    }

    [Fact]
    public void Server_AClientPastMaxClients_CountsARefusal()
    {
        using var meter = new MeterReader();
        using var server = new RingServer(RingFactory.CreateDefault(), Path.Combine(_folder, "r.sock"), new RingServerOptions { MaxClients = 1 });
        var before = meter.Read();

        using var first = RingClient.Connect(server.SocketPath);
        Should.Throw<IOException>(() => RingClient.Connect(server.SocketPath)).Message.ShouldContain("EAGAIN");

        Delta(before, meter.Read(), "verbring.sessions.refused").ShouldBe(1);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static long Delta(IReadOnlyDictionary<string, long> before, IReadOnlyDictionary<string, long> after, string name) =>
        after.GetValueOrDefault(name) - before.GetValueOrDefault(name);
}
