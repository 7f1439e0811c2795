using VerbRing.Registers;
using VerbRing.Tests.Infrastructure;
using VerbRing.Verbs;

namespace VerbRing.Tests.Contracts;

/// <summary>
/// The order in which a pipe's wake retries what waits on it (spec/semantics.md, "Verbs that wait"): every operation
/// parked when the pipe changed is retried in order, and one that still cannot finish parks again at the back —
/// behind an operation that parked while the wake waited its turn in the ready queue. A cancelled operation the wake
/// already covers completes at its place in that wake. Each test makes a wake wait its turn: the step that wakes the
/// pipe in R0 runs inside the retries that follow a wake of the pipe in R1, which do not nest.
/// </summary>
public abstract class WakeOrderContract : KernelContract
{
    [Fact]
    public void Wake_ReadThatStillFindsNoData_ParksAgainBehindOneThatParkedMeanwhile()
    {
        using var ring = NewRing();
        ring.Pipe(Reg.R0);
        ring.Pipe(Reg.R1);
        ring.Submit(Trigger(ring, Sqes.Read(Reg.R0.Low, ring.Reserve(1), 1, link: SqeLink.Link, data: 3), Sqes.Read(Reg.R0.Low, ring.Reserve(1), 1, data: 4)))
            .ShouldBeEmpty("the chain waits on the pipe in R1");
        ring.Submit(Sqes.Read(Reg.R0.Low, ring.Reserve(1), 1, data: 11), Sqes.Read(Reg.R0.Low, ring.Reserve(1), 1, data: 12))
            .ShouldBeEmpty("both READs wait on the empty pipe in R0");

        // The chain's WRITE wakes READs 11 and 12; before their turn its READ 3 takes the byte and its READ 4 parks.
        ring.Submit(Sqes.Write(Reg.R1.High, ring.Put("t"), 1, data: 20)).Select(c => c.Data).ShouldBe([20UL, 1UL, 2UL, 3UL]);

        var fed = Enumerable.Range(0, 3).SelectMany(i => ring.Submit(Sqes.Write(Reg.R0.High, ring.Put("x"), 1, data: 30 + (ulong)i)));

        fed.Select(c => c.Data).ShouldBe([30UL, 4UL, 31UL, 11UL, 32UL, 12UL], "11 and 12 parked again, behind 4, in their order");
    }

    [Fact]
    public void Wake_CancelOfAReadTheWakeCovers_CompletesItAtItsPlaceInThatWake()
    {
        using var ring = NewRing();
        ring.Pipe(Reg.R0);
        ring.Pipe(Reg.R1);
        ring.Submit(Sqes.Read(Reg.R1.Low, ring.Reserve(1), 1, link: SqeLink.Link, data: 1),
                Sqes.Write(Reg.R0.High, ring.Put("ab"), 2, link: SqeLink.Link, data: 2),
                Sqes.Cancel(12, data: 3))
            .ShouldBeEmpty("the chain waits on the pipe in R1");
        ring.Submit(Enumerable.Range(11, 3).Select(i => Sqes.Read(Reg.R0.Low, ring.Reserve(1), 1, data: (ulong)i)).ToArray())
            .ShouldBeEmpty("READs 11, 12 and 13 wait on the empty pipe in R0");

        var cqes = ring.Submit(Sqes.Write(Reg.R1.High, ring.Put("t"), 1, data: 20));

        cqes.Select(c => (c.Data, c.ErrorCode())).ShouldBe(
            [(20UL, Errno.OK), (1UL, Errno.OK), (2UL, Errno.OK), (3UL, Errno.OK), (11UL, Errno.OK), (12UL, Errno.ECANCELED), (13UL, Errno.OK)],
            "the WRITE of two bytes woke all three; 12 was cancelled before its turn, and completes in it");
    }

    [Fact]
    public void Close_WakesEveryoneInTheOrderTheyLastParked_PollersThatOnlyACloseEndsIncluded()
    {
        using var ring = NewRing();
        ring.Pipe(Reg.R0);
        ring.Pipe(Reg.R1);
        ring.Submit(Trigger(ring, Sqes.Read(Reg.R0.Low, ring.Reserve(1), 1, link: SqeLink.Link, data: 3), Sqes.Read(Reg.R0.Low, ring.Reserve(1), 1, data: 4)))
            .ShouldBeEmpty("the chain waits on the pipe in R1");
        ring.Submit(Sqes.Poll(Reg.R0.Low, (ulong)PollEvents.Write, data: 11), Sqes.Read(Reg.R0.Low, ring.Reserve(1), 1, data: 12))
            .ShouldBeEmpty("a read end is never ready to write: the POLL waits for a close; the READ for data");
        ring.Submit(Sqes.Write(Reg.R1.High, ring.Put("t"), 1, data: 20)).Select(c => c.Data).ShouldBe([20UL, 1UL, 2UL, 3UL]);

        var cqes = ring.Submit(Sqes.Close(Reg.R0.High, data: 30));

        cqes.Select(c => (c.Data, c.Result)).ShouldBe([(30UL, 0UL), (4UL, 0UL), (11UL, (ulong)PollEvents.Hup), (12UL, 0UL)]);
    }

    /// <summary>READ 1 from the pipe in R1, then WRITE 2 of one byte to the pipe in R0, then <paramref name="rest"/>, linked.</summary>
    private static Sqe[] Trigger(RingHarness ring, params Sqe[] rest) =>
        [Sqes.Read(Reg.R1.Low, ring.Reserve(1), 1, link: SqeLink.Link, data: 1), Sqes.Write(Reg.R0.High, ring.Put("x"), 1, link: SqeLink.Link, data: 2), .. rest];
}
