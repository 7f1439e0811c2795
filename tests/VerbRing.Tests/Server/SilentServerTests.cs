using System.Diagnostics;
using VerbRing.Kernel;
using VerbRing.Kernel.Server;
using VerbRing.Registers;
using VerbRing.Tests.Infrastructure;
using VerbRing.Verbs;
using VerbRing.Verbs.Client;
using VerbRing.Verbs.Programs;

namespace VerbRing.Tests.Server;

/// <summary>
/// Every wait ends, also against a server that stops answering (here: a verb that blocks its kernel): an enter with a
/// timeout of its own gives up <see cref="Wire.AnswerSlack"/> after it, and a program's run returns by its deadline
/// plus <see cref="LoadedProgram.DeadlineSlack"/>. These wait on the wall clock, because that is what they prove.
/// </summary>
public sealed class SilentServerTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMilliseconds(200);
    private readonly string _folder = Directory.CreateTempSubdirectory("verbring-silent-").FullName;
    private readonly HangVerb _hang = new();
    private readonly RingServer _server;

    public SilentServerTests()
    {
        _server = new RingServer(RingFactory.CreateDefault(extraVerbs: [_hang]), Path.Combine(_folder, "s.sock"));
    }

    public void Dispose()
    {
        _hang.Release(); // the session's kernel returns from the verb and sees its client gone
        _server.Dispose();
        _hang.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    [Theory]
    [InlineData(EnterTransport.Doorbell)]
    [InlineData(EnterTransport.Socket)]
    public void Enter_ServerStopsAnswering_GivesUpAfterTheTimeoutAndTheSlack_AndStaysBroken(EnterTransport transport)
    {
        using var ring = RingClient.Connect(_server.SocketPath, transport: transport);
        ring.Push(Sqes.Create(HangVerb.Code, data: 1));

        var clock = Stopwatch.StartNew();
        ring.Enter(1, 1, Timeout).ShouldBe(new EnterResult(0, Errno.EPIPE));
        clock.Elapsed.ShouldBeGreaterThanOrEqualTo(Timeout + Wire.AnswerSlack - TimeSpan.FromMilliseconds(50), "not before the slack");
        clock.Elapsed.ShouldBeLessThan(Timeout + Wire.AnswerSlack + TimeSpan.FromSeconds(3), "the wait ended");

        ring.Enter(0, 0).ShouldBe(new EnterResult(0, Errno.EPIPE), "a late answer must not be taken for the next enter's");
    }

    [Fact]
    public void Run_ServerStopsAnswering_ReturnsByTheDeadlinePlusTheSlack_WithTheMissingStepsReported()
    {
        using var ring = RingClient.Connect(_server.SocketPath);
        var loaded = LinkedProgram.FromText($"nop\nop {HangVerb.Code}\nnop\n", "hang.vr", new RingCapacity()).LoadInto(ring);

        var clock = Stopwatch.StartNew();
        var run = loaded.Run(Timeout);

        clock.Elapsed.ShouldBeLessThan(Timeout + LoadedProgram.DeadlineSlack, "the run ended by its deadline plus the documented slack");
        run.IsComplete.ShouldBeFalse();
        run.MissingSteps.ShouldContain(1);
    }

    [Theory]
    [InlineData(-1L, 0u)] // Timeout.InfiniteTimeSpan: none
    [InlineData(0L, 1u)] // zero: answer at once
    [InlineData(1L, 2u)] // a tick rounds up to a microsecond
    [InlineData(10L, 2u)]
    [InlineData(11L, 3u)]
    [InlineData(long.MaxValue, uint.MaxValue)]
    public void Wire_EnterTimeout_IsZeroForNoneElseOnePlusMicrosecondsRoundedUp(long ticks, uint encoded)
    {
        var timeout = ticks == -1 ? System.Threading.Timeout.InfiniteTimeSpan : TimeSpan.FromTicks(ticks);
        Wire.EncodeTimeout(timeout).ShouldBe(encoded);
        if (encoded is > 0 and < uint.MaxValue)
        {
            Wire.DecodeTimeout(encoded).ShouldBe(TimeSpan.FromMicroseconds(encoded - 1));
            Wire.DecodeTimeout(encoded).ShouldBeGreaterThanOrEqualTo(timeout, "never shorter than asked");
        }
    }
}
