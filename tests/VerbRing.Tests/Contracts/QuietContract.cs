using VerbRing.Kernel;
using VerbRing.Registers;
using VerbRing.Tests.Infrastructure;
using VerbRing.Verbs;

namespace VerbRing.Tests.Contracts;

/// <summary>
/// SKIP_SUCCESS (flag bit 20), VerbRing's extension (spec/semantics.md, "Quiet successes"): a success posts no CQE,
/// saves and links as usual; a failure and every ECANCELED still post; <c>wait</c> counts only what is posted.
/// </summary>
public abstract class QuietContract : KernelContract
{
    [Fact]
    public void Enter_SkipSuccessChainOnACqOfOne_PostsOnlyTheLastAndTheRingGoesOn()
    {
        using var ring = NewRing(new RingOptions { SqEntries = 8, CqEntries = 1 });
        ring.Files.WriteFile("/a.txt", "abcd");
        var buffer = ring.Reserve(8);
        var path = ring.Put("/a.txt");
        for (var round = 0; round < 3; round++)
        {
            Sqe[] chain =
            [
                Sqes.Open(path, OpenFlags.Read | OpenFlags.Write, save: Reg.R0, link: SqeLink.Link, data: 1).WithSkipSuccess(),
                Sqes.Read(Reg.R0, buffer, 4, save: Reg.R1, link: SqeLink.Link, data: 2).WithSkipSuccess(),
                Sqes.Seek(Reg.R0, 4, Whence.Set, link: SqeLink.Link, data: 3).WithSkipSuccess(),
                Sqes.Write(Reg.R0, buffer, Reg.R1, link: SqeLink.Link, data: 4).WithSkipSuccess(),
                Sqes.Close(Reg.R0, data: 5),
            ];
            foreach (var sqe in chain)
            {
                ring.Ring.Push(sqe);
            }

            ring.Ring.Enter(5, 1).ShouldBe(new EnterResult(5, Errno.OK), "the next enter is not EBUSY: no backlog");
            var cqes = ring.PopAll();
            cqes.ShouldHaveSingleItem().Data.ShouldBe(5UL, "one CQE: the four quiet successes took no CQ slot and no backlog");
            cqes[0].ShouldSucceedWith(0);
            ring.Registers[1].ShouldBe(4UL, "a quiet step still saves");
            ring.InFlight.ShouldBe(0, "nothing waits in the backlog");
        }

        ring.Files.ReadFile("/a.txt").ShouldBe("abcdabcd"u8.ToArray(), "each round wrote the first half over the second");
    }

    [Fact]
    public void Enter_SkipSuccessFailure_PostsItAndCancelsTheRestEachWithACqe()
    {
        using var ring = NewRing();
        ring.Registers[3] = 33;
        var cqes = ring.Submit(
            Sqes.Nop(save: Reg.R2, link: SqeLink.Link, data: 1).WithSkipSuccess(),
            Sqes.Close(42, save: Reg.R3, link: SqeLink.Link, data: 2).WithSkipSuccess(),
            Sqes.Nop(link: SqeLink.Link, data: 3).WithSkipSuccess(),
            Sqes.Nop(data: 4).WithSkipSuccess());

        cqes.Select(c => c.Data).ShouldBe([2UL, 3UL, 4UL], "the failure, then one ECANCELED per member, quiet or not");
        cqes[0].ShouldFailWith(Errno.EBADF);
        cqes[1].ShouldFailWith(Errno.ECANCELED);
        cqes[2].ShouldFailWith(Errno.ECANCELED);
        ring.Registers[3].ShouldBe(Abi.Err);
    }

    [Fact]
    public void Enter_WaitForMoreThanIsPosted_CountsOnlyPostedCqesAndEndsAtOnce()
    {
        using var ring = NewRing();
        ring.Ring.Push(Sqes.Nop(data: 1).WithSkipSuccess());
        ring.Ring.Push(Sqes.Nop(data: 2));
        ring.Ring.Enter(2, 2).ShouldBe(new EnterResult(2, Errno.ETIMEDOUT), "one CQE can come, nothing pends: no wait");
        ring.PopAll().Select(c => c.Data).ShouldBe([2UL]);
    }

    [Fact]
    public void Enter_QuietStepThatPends_PostsNothingWhenItCompletesAndItsSuccessorRuns()
    {
        using var ring = NewRing();
        var (_, write) = ring.Pipe(Reg.R0);
        var buffer = ring.Reserve(8);
        ring.Submit(
            Sqes.Read(Reg.R0.Low, buffer, 8, save: Reg.R1, link: SqeLink.Link, data: 1).WithSkipSuccess(),
            Sqes.Nop(save: Reg.R2, data: 2)).ShouldBeEmpty();
        var cqes = ring.Run(Sqes.Write(write, ring.Put("hi"), 2, data: 3));

        cqes.Select(c => c.Data).ShouldBe([3UL, 2UL]);
        ring.Registers[1].ShouldBe(2UL);
    }
}
