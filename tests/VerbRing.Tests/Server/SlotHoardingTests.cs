using System.Diagnostics;
using System.Net.Sockets;
using VerbRing.Kernel;
using VerbRing.Kernel.Server;
using VerbRing.Verbs;
using VerbRing.Verbs.Time;
using Xunit.Abstractions;

namespace VerbRing.Tests.Server;

/// <summary>Runs alone, after the parallel tests: it counts the process's threads, which other tests would move.</summary>
[CollectionDefinition(nameof(ThreadCounting), DisableParallelization = true)]
public sealed class ThreadCounting;

/// <summary>
/// Issue 14, slot hoarding: more connections than <c>MaxClients</c> dribbling garbage neither cost the server a
/// thread each nor keep a legitimate client waiting, and every one of them is closed at its whole-setup deadline,
/// however recently it sent a byte.
/// </summary>
[Collection(nameof(ThreadCounting))]
public sealed class SlotHoardingTests(ITestOutputHelper output) : IDisposable
{
    private const int Hoarders = 300;
    private readonly string _folder = Directory.CreateTempSubdirectory("verbring-hoard-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void ThreeHundredConnectionsDribblingGarbage_CostNoThreads_NorKeepALegitimateClientWaiting()
    {
        var clock = new ManualClock();
        using var server = new RingServer(RingFactory.CreateDefault(), Path.Combine(_folder, "h.sock"), new RingServerOptions { Time = clock });
        var threadsBefore = ProcessThreads();
        var hoarders = new List<Socket>(Hoarders);
        try
        {
            // 300 > MaxClients (256) connections, each sending a garbage byte — never a whole request — on connecting
            // and then every 4 s of the server's clock: the pattern that held every slot against a per-receive timeout.
            for (var i = 0; i < Hoarders; i++)
            {
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified) { ReceiveTimeout = 30_000 };
                hoarders.Add(socket);
                socket.Connect(new UnixDomainSocketEndPoint(server.SocketPath));
                socket.Send([0xFF]);
            }

            server.WaitForConnectionsInSetup(Hoarders, TimeSpan.FromSeconds(30)).ShouldBeTrue("all 300 accepted: their deadlines run from now");
            for (var round = 0; round < 2; round++)
            {
                clock.Advance(TimeSpan.FromSeconds(4));
                hoarders.ForEach(s => s.Send([0xFF]));
            }

            server.ConnectionsInSetup.ShouldBe(Hoarders, "the server holds all 300, 8 s into their setup");
            var threadsHolding = ProcessThreads();
            output.WriteLine($"threads: {threadsBefore} before, {threadsHolding} holding {Hoarders} connections in setup");
            server.SessionThreads.ShouldBe(0, "a connection costs no thread until its ring exists");
            (threadsHolding - threadsBefore).ShouldBeLessThan(30, "the process did not grow by a thread per connection");

            // A legitimate client, while every hoarder is still connected and the clock stands still: nothing it gets
            // can come from a hoarder's slot freeing up or a deadline passing.
            var watch = Stopwatch.StartNew();
            new ChainClient(server.SocketPath, rounds: 1).Join().ShouldBe(1, "served: the chain ran and checked out");
            watch.Stop();
            output.WriteLine($"legitimate client: connected, ran its chain and left in {watch.Elapsed.TotalMilliseconds:F1} ms");
            server.ConnectionsInSetup.ShouldBe(Hoarders, "it was served beside the 300, not after them");
            watch.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(5), "a generous bound: a few ms on an idle machine");

            // 10 s after they connected — 2 s after their last byte — every hoarder is told and closed.
            clock.Advance(TimeSpan.FromSeconds(2));
            server.WaitForConnectionsInSetup(0, TimeSpan.FromSeconds(30)).ShouldBeTrue("the whole-setup deadline closed every hoarder");
            foreach (var socket in hoarders)
            {
                SetupTests.ReadReply(socket).ShouldBe((Errno.ETIMEDOUT, 0u));
                socket.Receive(new byte[1]).ShouldBe(0);
            }

            server.WaitForClients(0, TimeSpan.FromSeconds(30)).ShouldBeTrue();
            clock.ArmedTimers.ShouldBe(0, "no deadline outlives its connection");
        }
        finally
        {
            hoarders.ForEach(s => s.Dispose());
        }
    }

    private static int ProcessThreads() => Directory.GetDirectories("/proc/self/task").Length;
}
