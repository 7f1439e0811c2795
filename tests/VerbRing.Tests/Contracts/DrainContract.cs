using VerbRing.Tests.Infrastructure;
using VerbRing.Verbs;

namespace VerbRing.Tests.Contracts;

/// <summary>
/// DRAIN (flag bit 21), VerbRing's extension (spec/semantics.md, "Drain"): a chain head that starts only after every
/// SQE consumed before it has completed, holds back nothing after it, and can be cancelled while it waits.
/// </summary>
public abstract class DrainContract : KernelContract
{
    [Fact]
    public void Enter_DrainBehindPendingReads_StartsOnlyAfterTheyComplete()
    {
        using var ring = NewRing();
        var (_, write) = ring.Pipe(Reg.R0);
        var buffer = ring.Reserve(8);
        ring.Submit(
            Sqes.Read(Reg.R0.Low, buffer, 1, data: 1),
            Sqes.Read(Reg.R0.Low, buffer.Address + 1, 1, data: 2)).ShouldBeEmpty("both reads wait on the empty pipe");
        ring.Submit(Sqes.Nop(save: Reg.R5, data: 3).WithDrain()).ShouldBeEmpty("the drain waits for both reads");
        ring.Registers[5] = 55;
        ring.Submit(Sqes.Nop(data: 4)).Select(c => c.Data).ShouldBe([4UL], "a later SQE is not held back");
        ring.Registers[5].ShouldBe(55UL, "the drained NOP has not run");

        var cqes = ring.Run(Sqes.Write(write, ring.Put("ab"), 2, data: 5));

        cqes.Select(c => c.Data).ShouldBe([5UL, 1UL, 2UL, 3UL]);
        cqes.ShouldAllBe(c => c.Error == 0);
        ring.Registers[5].ShouldBe(0UL, "it ran once the reads completed");
        ring.InFlight.ShouldBe(0);
    }

    [Fact]
    public void Cancel_PendingReadADrainWaitsFor_LetsTheDrainStart()
    {
        using var ring = NewRing();
        ring.Pipe(Reg.R0);
        var buffer = ring.Reserve(8);
        ring.Submit(Sqes.Read(Reg.R0.Low, buffer, 1, data: 1)).ShouldBeEmpty();
        ring.Submit(Sqes.Nop(data: 2).WithDrain()).ShouldBeEmpty();

        var cqes = ring.Run(Sqes.Cancel(1, data: 3));

        cqes.Select(c => c.Data).ShouldBe([3UL, 1UL, 2UL]);
        cqes[1].ShouldFailWith(Errno.ECANCELED);
        cqes[2].ShouldSucceedWith(0);
    }

    [Fact]
    public void Cancel_WaitingDrainHead_CompletesItWithEcanceledAndNeverRunsIt()
    {
        using var ring = NewRing();
        ring.Pipe(Reg.R0);
        var buffer = ring.Reserve(8);
        ring.Registers[5] = 55;
        ring.Submit(Sqes.Read(Reg.R0.Low, buffer, 1, data: 1)).ShouldBeEmpty();
        ring.Submit(
            Sqes.Nop(save: Reg.R5, link: SqeLink.Link, data: 2).WithDrain(),
            Sqes.Nop(save: Reg.R5, data: 3)).ShouldBeEmpty();

        var cqes = ring.Run(Sqes.Cancel(2, data: 4));

        cqes.Select(c => c.Data).ShouldBe([4UL, 2UL, 3UL]);
        cqes[0].ShouldSucceedWith(1);
        cqes[1].ShouldFailWith(Errno.ECANCELED);
        cqes[2].ShouldFailWith(Errno.ECANCELED);
        ring.Registers[5].ShouldBe(55UL, "neither ran");
        ring.Run(Sqes.Cancel(1, data: 5)).Select(c => c.Data).ShouldBe([5UL, 1UL]);
        ring.InFlight.ShouldBe(0);
    }

    [Fact]
    public void Enter_DrainOnAChainMember_IsEinval()
    {
        using var ring = NewRing();
        var cqes = ring.Run(
            Sqes.Nop(link: SqeLink.Link, data: 1),
            Sqes.Nop(link: SqeLink.Link, data: 2).WithDrain(),
            Sqes.Nop(data: 3));

        cqes[0].ShouldSucceedWith(0);
        cqes[1].ShouldFailWith(Errno.EINVAL);
        cqes[2].ShouldFailWith(Errno.ECANCELED);
    }

    [Fact]
    public void Enter_DrainWithNothingUnfinishedBefore_RunsAtOnce()
    {
        using var ring = NewRing();
        var cqes = ring.Run(Sqes.Nop(data: 1), Sqes.Nop(link: SqeLink.Link, data: 2).WithDrain(), Sqes.Nop(data: 3));

        cqes.Select(c => c.Data).ShouldBe([1UL, 2UL, 3UL]);
        cqes.ShouldAllBe(c => c.Error == 0);
    }
}
