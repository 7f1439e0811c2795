using VerbRing.Kernel;
using VerbRing.Tests.Infrastructure;
using VerbRing.Verbs;

namespace VerbRing.Tests.Contracts;

/// <summary>Registers and links: loads at dispatch, saves before publication, LINK and HARDLINK, no link across enters.</summary>
public abstract class LinkContract : KernelContract
{
    [Fact]
    public void Enter_LinkedLoad_SeesPredecessorsSaveNotSubmissionValue()
    {
        using var ring = NewRing();
        ring.Files.WriteFile("/a.txt", "abc");
        ring.Registers[2] = 999; // the value r2 has at submission
        var path = ring.Put("/a.txt");
        var cqes = ring.Run(
            Sqes.Open(path, OpenFlags.Read, save: Reg.R2, link: SqeLink.Link, data: 1),
            Sqes.Seek(Reg.R2, 0, Whence.End, save: Reg.R3, data: 2));

        cqes[0].ShouldSucceedWith(0);
        cqes[1].ShouldSucceedWith(3); // SEEK ran on fd 0 (A's result), not on fd 999
        ring.Registers[2].ShouldBe(0UL);
        ring.Registers[3].ShouldBe(3UL);
    }

    [Fact]
    public void Enter_FailedVerb_SavesErrSoHardlinkedSuccessorFailsCleanly()
    {
        using var ring = NewRing();
        ring.Registers[1] = 0; // a stale value that would be a valid fd
        ring.Files.WriteFile("/x", "x");
        ring.Open("/x", OpenFlags.Read); // fd 0 is open: a stale r1 = 0 would read it
        var buffer = ring.Reserve(8);
        var cqes = ring.Run(
            Sqes.Open(ring.Put("/missing"), OpenFlags.Read, save: Reg.R1, link: SqeLink.HardLink, data: 1),
            Sqes.Read(Reg.R1, buffer, 8, data: 2));

        cqes[0].ShouldFailWith(Errno.ENOENT);
        ring.Registers[1].ShouldBe(Abi.Err);
        cqes[1].ShouldFailWith(Errno.EBADF);
    }

    [Fact]
    public void Enter_LinkedFailure_CancelsRestWithOneEcanceledEach()
    {
        using var ring = NewRing();
        ring.Registers[5] = 55;
        var cqes = ring.Run(
            Sqes.Close(42, link: SqeLink.Link, data: 10),
            Sqes.Nop(save: Reg.R5, link: SqeLink.Link, data: 11),
            Sqes.Nop(save: Reg.R5, data: 12),
            Sqes.Nop(data: 13));

        cqes.Count.ShouldBe(4);
        cqes[0].ShouldFailWith(Errno.EBADF);
        cqes[1].ShouldFailWith(Errno.ECANCELED);
        cqes[2].ShouldFailWith(Errno.ECANCELED);
        cqes.Select(c => c.Data).ShouldBe([10UL, 11UL, 12UL, 13UL]);
        cqes.Select(c => c.Op).ShouldBe([(uint)Op.Close, (uint)Op.Nop, (uint)Op.Nop, (uint)Op.Nop]);
        cqes[3].ShouldSucceedWith(0); // a new chain: not cancelled
        ring.Registers[5].ShouldBe(55UL, "cancelled members write no register");
    }

    [Fact]
    public void Enter_HardlinkAfterFailure_RunsSuccessor()
    {
        using var ring = NewRing();
        var cqes = ring.Run(
            Sqes.Close(42, link: SqeLink.HardLink, data: 1),
            Sqes.Nop(save: Reg.R0, data: 2));

        cqes[0].ShouldFailWith(Errno.EBADF);
        cqes[1].ShouldSucceedWith(0);
        ring.Registers[0].ShouldBe(0UL);
    }

    [Fact]
    public void Enter_HardlinkThenLink_FlagIsReadOnTheCompletingSqe()
    {
        using var ring = NewRing();

        // A(hardlink) fails → B still runs; B(link) fails → C is cancelled.
        var cqes = ring.Run(
            Sqes.Close(40, link: SqeLink.HardLink, data: 1),
            Sqes.Close(41, link: SqeLink.Link, data: 2),
            Sqes.Nop(data: 3));
        cqes[0].ShouldFailWith(Errno.EBADF);
        cqes[1].ShouldFailWith(Errno.EBADF);
        cqes[2].ShouldFailWith(Errno.ECANCELED);

        // A(hardlink) fails → B(link) succeeds → C runs.
        cqes = ring.Run(
            Sqes.Close(40, link: SqeLink.HardLink, data: 4),
            Sqes.Nop(link: SqeLink.Link, data: 5),
            Sqes.Nop(data: 6));
        cqes[0].ShouldFailWith(Errno.EBADF);
        cqes[1].ShouldSucceedWith(0);
        cqes[2].ShouldSucceedWith(0);
    }

    [Fact]
    public void Enter_LongChain_RunsEveryMemberInOrder()
    {
        using var ring = NewRing(new RingOptions { SqEntries = 64, CqEntries = 64 });
        var chain = Enumerable.Range(0, 64)
            .Select(i => Sqes.Nop(link: i < 63 ? SqeLink.Link : SqeLink.None, data: (ulong)i))
            .ToArray();
        var cqes = ring.Run(chain);
        cqes.Select(c => c.Data).ShouldBe(Enumerable.Range(0, 64).Select(i => (ulong)i));
        cqes.ShouldAllBe(c => c.Error == 0);
    }

    [Fact]
    public void Enter_LinkOnLastConsumedSqe_DoesNotSpanEnters()
    {
        using var ring = NewRing();
        ring.Ring.Push(Sqes.Close(42, link: SqeLink.Link, data: 1));
        ring.Ring.Push(Sqes.Nop(data: 2));

        ring.Ring.Enter(1, 1).ShouldBe(new EnterResult(1, Errno.OK));
        ring.PopAll().ShouldHaveSingleItem().ShouldFailWith(Errno.EBADF);

        // The NOP was queued behind a failed LINK, but in another enter: it starts a new chain and runs.
        ring.Ring.Enter(1, 1).ShouldBe(new EnterResult(1, Errno.OK));
        ring.PopAll().ShouldHaveSingleItem().ShouldSucceedWith(0);
    }

    [Fact]
    public void Enter_SaveHappensBeforePublication_RegisterHoldsResultWhenCqeIsSeen()
    {
        using var ring = NewRing();
        var cqe = ring.RunOne(Sqes.Open(ring.Put("/new"), OpenFlags.Write | OpenFlags.Create, save: Reg.R6));
        cqe.ShouldSucceedWith(0);
        ring.Registers[6].ShouldBe(cqe.Result);
    }

    [Fact]
    public void Enter_IndependentChains_RunInSubmissionOrder()
    {
        using var ring = NewRing();
        var cqes = ring.Run(
            Sqes.Close(9, link: SqeLink.Link, data: 1),
            Sqes.Nop(data: 2),
            Sqes.Nop(link: SqeLink.Link, data: 3),
            Sqes.Nop(data: 4));
        cqes.Select(c => (c.Data, c.ErrorCode())).ShouldBe([(1UL, Errno.EBADF), (2UL, Errno.ECANCELED), (3UL, Errno.OK), (4UL, Errno.OK)]);
    }
}
