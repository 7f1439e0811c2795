using VerbRing.Kernel;
using VerbRing.Registers;
using VerbRing.Tests.Infrastructure;
using VerbRing.Verbs;

namespace VerbRing.Tests.Contracts;

/// <summary>The enter call: how much it consumes, how it waits, EBUSY, hostile indices, copy-once, no lost completions.</summary>
public abstract class EnterContract : KernelContract
{
    [Fact]
    public void Enter_ConsumesAtMostAmount_RestStaysQueued()
    {
        using var ring = NewRing();
        for (var i = 0; i < 5; i++)
        {
            ring.Ring.Push(Sqes.Nop(data: (ulong)i));
        }

        ring.Ring.Enter(3, 0).ShouldBe(new EnterResult(3, Errno.OK));
        ring.Ring.SqPending.ShouldBe(2u);
        ring.Ring.Enter(10, 0).ShouldBe(new EnterResult(2, Errno.OK), "fewer if fewer are queued");
        ring.PopAll().Select(c => c.Data).ShouldBe([0UL, 1UL, 2UL, 3UL, 4UL]);
    }

    [Fact]
    public void Enter_ZeroAmount_ConsumesNothing()
    {
        using var ring = NewRing();
        ring.Ring.Push(Sqes.Nop());
        ring.Ring.Enter(0, 0).ShouldBe(new EnterResult(0, Errno.OK));
        ring.Ring.SqPending.ShouldBe(1u);
    }

    [Fact]
    public void Enter_WaitCountsEveryUnreadCqe()
    {
        using var ring = NewRing();
        ring.Ring.Push(Sqes.Nop());
        ring.Ring.Push(Sqes.Nop());
        ring.Ring.Enter(2, 0).IsSuccess.ShouldBeTrue();
        ring.Ring.Push(Sqes.Nop());
        ring.Ring.Enter(1, 3).ShouldBe(new EnterResult(1, Errno.OK), "two old CQEs plus one new satisfy wait = 3");
        ring.Ring.CqUnread.ShouldBe(3u);
    }

    [Fact]
    public void Enter_WaitThatCannotBeMet_ReturnsEtimedoutAndLosesNothing()
    {
        using var ring = NewRing();
        ring.Ring.Push(Sqes.Nop(data: 1));
        ring.Ring.Enter(1, 2).ShouldBe(new EnterResult(1, Errno.ETIMEDOUT));
        ring.PopAll().ShouldHaveSingleItem().Data.ShouldBe(1UL);
    }

    [Fact]
    public void Enter_WaitLargerThanCq_IsEinval()
    {
        using var ring = NewRing(new RingOptions { CqEntries = 8 });
        ring.Ring.Push(Sqes.Nop());
        ring.Ring.Enter(1, 9).ShouldBe(new EnterResult(0, Errno.EINVAL));
        ring.Ring.SqPending.ShouldBe(1u, "nothing consumed");
    }

    [Fact]
    public void Enter_SlotRewrittenAfterConsumption_ChangesNothing()
    {
        var scribble = new ScribbleVerb();
        using var ring = NewRing(extraVerbs: scribble);
        scribble.Ring = ring.Ring;
        ring.Files.WriteFile("/f", "abc");
        var path = ring.Put("/f");

        // The scribbler overwrites every SQ slot while the chain runs; the later members were copied at consumption.
        var cqes = ring.Run(
            Sqes.Create(ScribbleVerb.Code, link: SqeLink.Link, data: 1),
            Sqes.Open(path, OpenFlags.Read, save: Reg.R0, link: SqeLink.Link, data: 2),
            Sqes.Seek(Reg.R0, 0, Whence.End, data: 3));

        cqes.Select(c => (c.Data, c.ErrorCode(), c.Result)).ShouldBe([(1UL, Errno.OK, 0UL), (2UL, Errno.OK, 0UL), (3UL, Errno.OK, 3UL)]);
    }

    [Fact]
    public unsafe void Enter_TailTooFarAhead_IsEinvalAndTouchesNothing()
    {
        using var ring = NewRing(new RingOptions { SqEntries = 8 });
        ring.Ring.Push(Sqes.Nop());
        var descriptor = ring.Ring.Region.Descriptor;
        descriptor.STail = descriptor.SHead + 9; // more queued than the SQ holds: corrupted by user space

        ring.Ring.Enter(8, 0).ShouldBe(new EnterResult(0, Errno.EINVAL));
        descriptor.SHead.ShouldBe(0u);
        ring.Ring.CqUnread.ShouldBe(0u);
        ring.InFlight.ShouldBe(0);
    }

    [Fact]
    public void Enter_WaitingLimitReached_VerbThatWouldPendFailsWithEagainAndConsumptionGoesOn()
    {
        using var ring = NewRing(new RingOptions { SqEntries = 16, CqEntries = 4, MaxInFlight = 4 });
        var (read, write) = ring.Pipe(Reg.R0);
        var message = ring.Put("x");
        for (var i = 0; i < 4; i++)
        {
            ring.Ring.Push(Sqes.Poll(read, (ulong)PollEvents.Read, data: (ulong)i));
        }

        // The fifth would wait past the limit: EAGAIN at once, and its LINK successor is cancelled. A NOP, a CANCEL
        // and the WRITE that wakes the four are consumed in the same enter all the same.
        ring.Ring.Push(Sqes.Poll(read, (ulong)PollEvents.Read, link: SqeLink.Link, data: 4));
        ring.Ring.Push(Sqes.Nop(data: 5));
        ring.Ring.Push(Sqes.Cancel(3, data: 6));
        ring.Ring.Push(Sqes.Write(write, message.Address, 1, data: 7));
        ring.Ring.Enter(8, 0).ShouldBe(new EnterResult(8, Errno.OK));

        var cqes = new List<Cqe>();
        while (cqes.Count < 8)
        {
            cqes.AddRange(ring.PopAll());
            ring.Ring.Enter(0, 0).Error.ShouldBeOneOf(Errno.OK, Errno.EBUSY);
        }

        cqes.Select(c => (c.Data, c.ErrorCode())).ShouldBe(
            [(4UL, Errno.EAGAIN), (5UL, Errno.ECANCELED), (6UL, Errno.OK), (3UL, Errno.ECANCELED), (7UL, Errno.OK), (0UL, Errno.OK), (1UL, Errno.OK), (2UL, Errno.OK)]);
        ring.InFlight.ShouldBe(0);
    }

    [Fact]
    public void Enter_ThousandsOfPollsPendingOnAnEightEntryRing_AllConsumedAndAllCancellable()
    {
        using var ring = NewRing(new RingOptions { SqEntries = 8, CqEntries = 8 });
        var (read, _) = ring.Pipe(Reg.R0);
        const int Polls = 3000;
        for (var pushed = 0; pushed < Polls;)
        {
            while (pushed < Polls && ring.Ring.TryPush(Sqes.Poll(read, (ulong)PollEvents.Read, data: 1)))
            {
                pushed++;
            }

            ring.Ring.Enter(ring.Ring.SqPending, 0).Error.ShouldBe(Errno.OK, "a pending operation never holds up the SQ");
        }

        ring.InFlight.ShouldBe(Polls, "every POLL pends in a slot of its own: the pool grew");
        ring.PopAll().ShouldBeEmpty();

        ring.Ring.Push(Sqes.Cancel(1, data: 2));
        ring.Ring.Enter(1, 0).ShouldBe(new EnterResult(1, Errno.OK), "a CANCEL always gets through");
        var cqes = new List<Cqe>();
        while (cqes.Count < Polls + 1)
        {
            cqes.AddRange(ring.PopAll());
            ring.Ring.Enter(0, 0).Error.ShouldBeOneOf(Errno.OK, Errno.EBUSY);
        }

        (cqes[0].Data, cqes[0].ErrorCode(), cqes[0].Result).ShouldBe((2UL, Errno.OK, (ulong)Polls), "the CANCEL found every one");
        cqes.Skip(1).ShouldAllBe(c => c.Data == 1 && c.Error == (int)Errno.ECANCELED);
        ring.InFlight.ShouldBe(0);
    }

    [Fact]
    public void Enter_CqFull_KeepsCompletionsInOrderAndRefusesNewWorkUntilReaped()
    {
        using var ring = NewRing(new RingOptions { SqEntries = 16, CqEntries = 4, MaxInFlight = 16 });
        for (var i = 0; i < 12; i++)
        {
            ring.Ring.Push(Sqes.Nop(data: (ulong)i));
        }

        ring.Ring.Enter(10, 0).ShouldBe(new EnterResult(10, Errno.OK));
        ring.Ring.CqUnread.ShouldBe(4u);
        ring.InFlight.ShouldBe(6, "six completions wait for CQ space, holding their slots");

        ring.Ring.Enter(2, 0).ShouldBe(new EnterResult(0, Errno.EBUSY), "no new SQEs while a backlog exists");

        var seen = new List<ulong>();
        while (seen.Count < 10)
        {
            seen.AddRange(ring.PopAll().Select(c => c.Data));
            ring.Ring.Enter(0, 0).IsSuccess.ShouldBeTrue(); // flushes the backlog into the freed slots
        }

        seen.ShouldBe(Enumerable.Range(0, 10).Select(i => (ulong)i));
        ring.InFlight.ShouldBe(0);
        ring.Ring.Enter(2, 2).ShouldBe(new EnterResult(2, Errno.OK));
        ring.PopAll().Select(c => c.Data).ShouldBe([10UL, 11UL]);
    }

    [Fact]
    public void Enter_ManySqesThroughSmallCq_DeliversEveryCqeOnce()
    {
        using var ring = NewRing(new RingOptions { SqEntries = 8, CqEntries = 8 });
        var seen = new List<ulong>();
        var next = 0UL;
        while (seen.Count < 1000)
        {
            while (next < 1000 && ring.Ring.TryPush(Sqes.Nop(link: next % 3 == 0 ? SqeLink.Link : SqeLink.None, data: next)))
            {
                next++;
            }

            var entered = ring.Ring.Enter(8, 0);
            entered.Error.ShouldBeOneOf(Errno.OK, Errno.EBUSY);
            seen.AddRange(ring.PopAll().Select(c => c.Data));
        }

        seen.ShouldBe(Enumerable.Range(0, 1000).Select(i => (ulong)i));
    }

    [Fact]
    public void Enter_ThousandSqesIntoAnEightEntryCqWithoutReaping_DeliversAllInOrderWithBoundedMemory()
    {
        using var ring = NewRing(new RingOptions { SqEntries = 1024, CqEntries = 8 });
        for (var i = 0; i < 1000; i++)
        {
            ring.Ring.Push(Sqes.Nop(link: i % 5 == 4 ? SqeLink.None : SqeLink.Link, data: (ulong)i));
        }

        // Enter again and again without reaping: the CQ fills, completions wait in the backlog, and enter refuses
        // new work (EBUSY) instead of letting the backlog grow: it holds at most one enter's SQEs.
        var first = ring.Ring.Enter(1000, 0);
        first.ShouldBe(new EnterResult(1000, Errno.OK));
        ring.InFlight.ShouldBe(992, "what did not fit in the CQ waits in the backlog");
        ring.Ring.Push(Sqes.Nop(data: 1000));
        for (var i = 0; i < 10; i++)
        {
            ring.Ring.Enter(1000, 0).ShouldBe(new EnterResult(0, Errno.EBUSY));
            ring.InFlight.ShouldBe(992);
        }

        ring.Ring.CqUnread.ShouldBe(8u);
        var seen = new List<ulong>();
        while (seen.Count < 1001)
        {
            seen.AddRange(ring.PopAll().Select(c => c.Data));
            var entered = ring.Ring.Enter(1000, 0);
            entered.Error.ShouldBeOneOf(Errno.OK, Errno.EBUSY);
            ring.InFlight.ShouldBeLessThanOrEqualTo(992);
        }

        seen.ShouldBe(Enumerable.Range(0, 1001).Select(i => (ulong)i), "every CQE, once, in order");
    }

    [Fact]
    public void Enter_VerbThatThrows_CompletesWithEioAndTheRingGoesOn()
    {
        using var ring = NewRing(extraVerbs: new ThrowingVerb());
        var cqes = ring.Run(
            Sqes.Create(ThrowingVerb.Code, save: Reg.R1, link: SqeLink.HardLink, data: 1),
            Sqes.Nop(data: 2),
            Sqes.Nop(data: 3));
        cqes.Select(c => (c.Data, c.ErrorCode())).ShouldBe([(1UL, Errno.EIO), (2UL, Errno.OK), (3UL, Errno.OK)]);
        ring.Registers[1].ShouldBe(Abi.Err);
        ring.InFlight.ShouldBe(0, "the slot was returned");
    }

    [Fact]
    public void Dispose_ClosesEveryDescriptor()
    {
        var ring = NewRing();
        ring.Files.WriteFile("/f", "x");
        ring.Open("/f", OpenFlags.Read);
        ring.Open("/f", OpenFlags.Read);
        ring.OpenDescriptors.ShouldBe(2);
        ring.Dispose(); // the harness asserts that no descriptor is left
        Should.Throw<ObjectDisposedException>(() => ring.Ring.Enter(0, 0));
    }
}
