using VerbRing.Kernel;
using VerbRing.Registers;
using VerbRing.Tests.Infrastructure;
using VerbRing.Verbs;

namespace VerbRing.Tests.Contracts;

/// <summary>Verbs that wait: pipes, POLL, per-SQE timeouts, CANCEL, blocking enter, teardown. The clock is manual.</summary>
public abstract class WaitingContract : KernelContract
{
    private static readonly TimeSpan Ms = TimeSpan.FromMilliseconds(1);

    [Fact]
    public void Pipe_ResultHoldsReadFdLowAndWriteFdHigh()
    {
        using var ring = NewRing();
        ring.Files.WriteFile("/f", "x");
        ring.Open("/f", OpenFlags.Read); // fd 0 is taken
        var (read, write) = ring.Pipe(Reg.R0);
        (read, write).ShouldBe((1UL, 2UL));
        ring.Registers[0].ShouldBe(1UL | (2UL << 32));
    }

    [Fact]
    public void Read_EmptyPipe_PendsUntilALaterChainWrites()
    {
        using var ring = NewRing();
        ring.Pipe(Reg.R0);
        var buffer = ring.Reserve(16);
        ring.Submit(Sqes.Read(Reg.R0.Low, buffer, 16, save: Reg.R1, data: 1)).ShouldBeEmpty("the pipe is empty: the read pends");
        ring.InFlight.ShouldBe(1);

        var cqes = ring.Submit(Sqes.Write(Reg.R0.High, ring.Put("hello"), 5, data: 2));

        cqes.Select(c => (c.Data, c.Result)).ShouldBe([(2UL, 5UL), (1UL, 5UL)], "the write completes, then the read it woke");
        ring.ReadText(buffer, 5).ShouldBe("hello");
        ring.Registers[1].ShouldBe(5UL);
    }

    [Fact]
    public void Read_Pipe_ReturnsWhatIsThereUpToCount()
    {
        using var ring = NewRing();
        ring.Pipe(Reg.R0);
        var buffer = ring.Reserve(4);
        ring.Submit(Sqes.Write(Reg.R0.High, ring.Put("abcdef"), 6))[0].ShouldSucceedWith(6);
        ring.RunOne(Sqes.Read(Reg.R0.Low, buffer, 4)).ShouldSucceedWith(4);
        ring.RunOne(Sqes.Read(Reg.R0.Low, buffer, 4)).ShouldSucceedWith(2);
        ring.ReadText(buffer, 2).ShouldBe("ef");
    }

    [Fact]
    public void Read_PendingOnPipe_ReturnsZeroWhenTheLastWriterCloses()
    {
        using var ring = NewRing();
        ring.Pipe(Reg.R0);
        var buffer = ring.Reserve(8);
        ring.Submit(Sqes.Read(Reg.R0.Low, buffer, 8, data: 1)).ShouldBeEmpty();
        var cqes = ring.Submit(Sqes.Close(Reg.R0.High, data: 2));
        cqes.Select(c => (c.Data, c.ErrorCode(), c.Result)).ShouldBe([(2UL, Errno.OK, 0UL), (1UL, Errno.OK, 0UL)]);
    }

    [Fact]
    public void Write_FullPipe_PendsUntilSpaceFrees()
    {
        using var ring = NewRing(new RingOptions { PipeCapacity = 8 });
        ring.Pipe(Reg.R0);
        var data = ring.Put("0123456789");
        var buffer = ring.Reserve(8);
        ring.RunOne(Sqes.Write(Reg.R0.High, data, 8)).ShouldSucceedWith(8);
        ring.Submit(Sqes.Write(Reg.R0.High, data, 3, data: 7)).ShouldBeEmpty("the pipe is full: the write pends");

        // Two free bytes are not room for all three: a write that fits the pipe is written whole, so it still waits.
        ring.Submit(Sqes.Read(Reg.R0.Low, buffer, 2, data: 8)).Select(c => (c.Data, c.Result)).ShouldBe([(8UL, 2UL)]);
        var cqes = ring.Submit(Sqes.Read(Reg.R0.Low, buffer, 2, data: 9));
        cqes.Select(c => (c.Data, c.Result)).ShouldBe([(9UL, 2UL), (7UL, 3UL)]);
    }

    [Fact]
    public void Write_LargerThanThePipe_WritesWhatFits()
    {
        using var ring = NewRing(new RingOptions { PipeCapacity = 8 });
        ring.Pipe(Reg.R0);
        ring.RunOne(Sqes.Write(Reg.R0.High, ring.Put("0123456789AB"), 12)).ShouldSucceedWith(8);
    }

    [Fact]
    public void Write_NoReaderLeft_IsEpipe_AndWakesPendingWriters()
    {
        using var ring = NewRing(new RingOptions { PipeCapacity = 4 });
        ring.Pipe(Reg.R0);
        var data = ring.Put("abcd");
        ring.RunOne(Sqes.Write(Reg.R0.High, data, 4)).ShouldSucceed();
        ring.Submit(Sqes.Write(Reg.R0.High, data, 4, data: 1)).ShouldBeEmpty();
        var cqes = ring.Submit(Sqes.Close(Reg.R0.Low, data: 2));
        cqes.Select(c => (c.Data, c.ErrorCode())).ShouldBe([(2UL, Errno.OK), (1UL, Errno.EPIPE)]);
        ring.RunOne(Sqes.Write(Reg.R0.High, data, 1)).ShouldFailWith(Errno.EPIPE);
    }

    [Fact]
    public void Pipe_WrongEndOrOffset_IsRefused()
    {
        using var ring = NewRing();
        ring.Pipe(Reg.R0);
        var buffer = ring.Reserve(4);
        ring.RunOne(Sqes.Read(Reg.R0.High, buffer, 4)).ShouldFailWith(Errno.EBADF);
        ring.RunOne(Sqes.Write(Reg.R0.Low, buffer, 4)).ShouldFailWith(Errno.EBADF);
        ring.RunOne(Sqes.Read(Reg.R0.Low, buffer, 4, offset: 0)).ShouldFailWith(Errno.ESPIPE);
        ring.RunOne(Sqes.Seek(Reg.R0.Low, 0, Whence.Set)).ShouldFailWith(Errno.ESPIPE);
        ring.RunOne(Sqes.Read(Reg.R0, buffer, 4)).ShouldFailWith(Errno.EBADF); // the whole register is no descriptor
    }

    [Fact]
    public void Pipe_NeedsTwoDescriptors()
    {
        using var ring = NewRing(new RingOptions { MaxDescriptors = 3 });
        ring.Pipe(Reg.R0);
        ring.RunOne(Sqes.Pipe()).ShouldFailWith(Errno.EMFILE);
    }

    [Fact]
    public void Load_HalfOfErr_IsStillErr()
    {
        using var ring = NewRing();
        ring.Registers[4] = Abi.Err;
        ring.RunOne(Sqes.Close(Reg.R4.Low)).ShouldFailWith(Errno.EBADF);
        ring.RunOne(Sqes.Close(Reg.R4.High)).ShouldFailWith(Errno.EBADF);
    }

    [Fact]
    public void Poll_Pipe_WakesOnData()
    {
        using var ring = NewRing();
        ring.Pipe(Reg.R0);
        ring.Submit(Sqes.Poll(Reg.R0.Low, PollEvents.Read, data: 1)).ShouldBeEmpty();
        var cqes = ring.Submit(Sqes.Write(Reg.R0.High, ring.Put("x"), 1, data: 2));
        cqes.Select(c => (c.Data, c.Result)).ShouldBe([(2UL, 1UL), (1UL, (ulong)PollEvents.Read)]);
    }

    [Fact]
    public void Poll_Pipe_WakesOnHup()
    {
        using var ring = NewRing();
        ring.Pipe(Reg.R0);
        ring.Submit(Sqes.Poll(Reg.R0.Low, PollEvents.Read, data: 1)).ShouldBeEmpty();
        var cqes = ring.Submit(Sqes.Close(Reg.R0.High, data: 2));
        cqes.Select(c => (c.Data, c.Result)).ShouldBe([(2UL, 0UL), (1UL, (ulong)PollEvents.Hup)]);
    }

    [Fact]
    public void Poll_WriteEnd_IsReadyWhileThereIsRoom_ErrorWithoutReader()
    {
        using var ring = NewRing();
        ring.Pipe(Reg.R0);
        ring.RunOne(Sqes.Poll(Reg.R0.High, PollEvents.Write)).ShouldSucceedWith((ulong)PollEvents.Write);
        ring.RunOne(Sqes.Close(Reg.R0.Low)).ShouldSucceed();
        ring.RunOne(Sqes.Poll(Reg.R0.High, PollEvents.Write)).ShouldSucceedWith((ulong)PollEvents.Error);
    }

    [Fact]
    public void Poll_ClosedFd_AnswersNvalAtOnce()
    {
        using var ring = NewRing();
        ring.Pipe(Reg.R0);
        ring.RunOne(Sqes.Close(Reg.R0.Low)).ShouldSucceed();
        ring.RunOne(Sqes.Poll(Reg.R0.Low, PollEvents.Read)).ShouldSucceedWith((ulong)PollEvents.Nval);
    }

    [Fact]
    public void Timeout_PendingRead_IsEtimedoutAndCancelsItsLinkSuccessors()
    {
        using var ring = NewRing();
        ring.Pipe(Reg.R0);
        var buffer = ring.Reserve(4);
        ring.Registers[2] = 42;
        ring.Submit(
            Sqes.Read(Reg.R0.Low, buffer, 4, save: Reg.R1, link: SqeLink.Link, data: 1, timeout: 5_000_000),
            Sqes.Nop(save: Reg.R2, data: 2)).ShouldBeEmpty();

        ring.Advance(4 * Ms).ShouldBeEmpty("4 ms after dispatch: not yet");
        var cqes = ring.Advance(Ms);

        cqes.Select(c => (c.Data, c.ErrorCode())).ShouldBe([(1UL, Errno.ETIMEDOUT), (2UL, Errno.ECANCELED)]);
        ring.Registers[1].ShouldBe(Abi.Err, "a timed-out verb failed: it saves ERR");
        ring.Registers[2].ShouldBe(42UL, "a cancelled member writes nothing");
    }

    [Theory]
    [InlineData(0UL)]
    [InlineData(ulong.MaxValue)]
    public void Timeout_ZeroOrMax_MeansNone(ulong timeout)
    {
        using var ring = NewRing();
        ring.Pipe(Reg.R0);
        ring.Submit(Sqes.Read(Reg.R0.Low, ring.Reserve(4), 4, timeout: timeout)).ShouldBeEmpty();
        ring.Advance(TimeSpan.FromDays(365)).ShouldBeEmpty();
        ring.Clock.ArmedTimers.ShouldBe(0);
    }

    [Fact]
    public void Timeout_VerbThatCompletesAtOnce_IsNotTimed()
    {
        using var ring = NewRing();
        ring.RunOne(Sqes.Close(7, timeout: 1)).ShouldFailWith(Errno.EBADF);
        ring.Clock.ArmedTimers.ShouldBe(0);
    }

    [Fact]
    public void Nop_WithTimeout_SleepsInsideALinkChainWithoutBreakingIt()
    {
        using var ring = NewRing();
        ring.Submit(
            Sqes.Nop(link: SqeLink.Link, data: 1, timeout: 10_000_000),
            Sqes.Nop(save: Reg.R3, data: 2)).ShouldBeEmpty();
        ring.Advance(9 * Ms).ShouldBeEmpty();
        ring.Advance(Ms).Select(c => (c.Data, c.ErrorCode())).ShouldBe([(1UL, Errno.OK), (2UL, Errno.OK)]);
    }

    [Fact]
    public void Resume_LoadsTheSuccessorsRegistersWhenTheChainResumes()
    {
        using var ring = NewRing();
        ring.Files.WriteFile("/f", "x");
        ring.Registers[3] = 99;
        ring.Submit(Sqes.Nop(link: SqeLink.Link, data: 1, timeout: 1_000_000), Sqes.Close(Reg.R3, data: 2)).ShouldBeEmpty();
        ring.Registers[3] = ring.Open("/f", OpenFlags.Read); // set after submission, before the chain resumes
        ring.Advance(Ms).Select(c => (c.Data, c.ErrorCode())).ShouldBe([(1UL, Errno.OK), (2UL, Errno.OK)]);
    }

    [Fact]
    public void Chains_OnePendingChainBlocksNobodyElse()
    {
        using var ring = NewRing();
        ring.Pipe(Reg.R0);
        var cqes = ring.Submit(
            Sqes.Read(Reg.R0.Low, ring.Reserve(4), 4, link: SqeLink.Link, data: 1),
            Sqes.Nop(data: 2),
            Sqes.Nop(link: SqeLink.Link, data: 3),
            Sqes.Nop(data: 4));
        cqes.Select(c => c.Data).ShouldBe([3UL, 4UL]);
        ring.InFlight.ShouldBe(2, "the read and the NOP linked behind it wait");
    }

    [Fact]
    public void Cancel_Any_CancelsTheOldestMatchingPendingSqe()
    {
        using var ring = NewRing();
        ring.Pipe(Reg.R0);
        var buffer = ring.Reserve(4);
        ring.Submit(Sqes.Read(Reg.R0.Low, buffer, 4, data: 7), Sqes.Read(Reg.R0.Low, buffer, 4, data: 7)).ShouldBeEmpty();
        var cqes = ring.Submit(Sqes.Cancel(7, (ulong)CancelMode.Any, data: 100));
        cqes.Select(c => (c.Data, c.ErrorCode(), c.Result)).ShouldBe([(100UL, Errno.OK, 1UL), (7UL, Errno.ECANCELED, Abi.Err)]);
        ring.InFlight.ShouldBe(1);
    }

    [Fact]
    public void Cancel_All_CancelsEveryMatch_AndEnoentWhenNone()
    {
        using var ring = NewRing();
        ring.Pipe(Reg.R0);
        var buffer = ring.Reserve(4);
        ring.Submit(
            Sqes.Read(Reg.R0.Low, buffer, 4, data: 7),
            Sqes.Nop(data: 7, timeout: 1_000_000_000),
            Sqes.Read(Reg.R0.Low, buffer, 4, data: 8)).ShouldBeEmpty();
        var cqes = ring.Submit(Sqes.Cancel(7, data: 100));
        cqes[0].ShouldSucceedWith(2);
        cqes.Skip(1).Select(c => (c.Data, c.ErrorCode())).ShouldBe([(7UL, Errno.ECANCELED), (7UL, Errno.ECANCELED)]);
        ring.RunOne(Sqes.Cancel(7)).ShouldFailWith(Errno.ENOENT);
        ring.RunOne(Sqes.Cancel(8, 3UL)).ShouldFailWith(Errno.EINVAL);
        ring.InFlight.ShouldBe(1, "tag 8 still waits");
        ring.Clock.ArmedTimers.ShouldBe(0, "the cancelled sleep's timer is gone");
    }

    [Fact]
    public void Cancel_All_CompletesItsTargetsInTheOrderTheyWereConsumed()
    {
        using var ring = NewRing();
        ring.Pipe(Reg.R0);
        ring.Submit(Sqes.Read(Reg.R0.Low, ring.Reserve(4), 4, data: 5), Sqes.Nop(data: 7, timeout: 1_000_000_000)).ShouldBeEmpty();
        ring.Submit(Sqes.Cancel(5, data: 100)).Select(c => c.Data).ShouldBe([100UL, 5UL]);

        // The POLL is consumed after the NOP but takes the lower slot the cancelled READ left free.
        ring.Submit(Sqes.Poll(Reg.R0.Low, (ulong)PollEvents.Read, data: 7)).ShouldBeEmpty();
        var cqes = ring.Submit(Sqes.Cancel(7, data: 100));

        cqes.Select(c => (c.Op, c.Data, c.ErrorCode())).ShouldBe(
            [((uint)Op.Cancel, 100UL, Errno.OK), ((uint)Op.Nop, 7UL, Errno.ECANCELED), ((uint)Op.Poll, 7UL, Errno.ECANCELED)]);
    }

    [Fact]
    public void Cancel_ChainMemberWaitingBehindAPendingOne_CancelsItAndItsLinkSuccessors()
    {
        using var ring = NewRing();
        ring.Pipe(Reg.R0);
        var buffer = ring.Reserve(4);
        ring.Submit(
            Sqes.Read(Reg.R0.Low, buffer, 4, link: SqeLink.Link, data: 1),
            Sqes.Nop(link: SqeLink.Link, data: 2),
            Sqes.Nop(data: 3)).ShouldBeEmpty();

        var cqes = ring.Submit(Sqes.Cancel(2, data: 100));
        cqes.Select(c => (c.Data, c.ErrorCode())).ShouldBe([(100UL, Errno.OK), (2UL, Errno.ECANCELED), (3UL, Errno.ECANCELED)]);

        // The head still waits, and completes on its own later: nothing is linked behind it any more.
        ring.Submit(Sqes.Write(Reg.R0.High, ring.Put("z"), 1, data: 4)).Select(c => c.Data).ShouldBe([4UL, 1UL]);
        ring.InFlight.ShouldBe(0);
    }

    [Fact]
    public void Cancel_HardlinkedChainMember_LeavesItsSuccessorsInTheChain()
    {
        using var ring = NewRing();
        ring.Pipe(Reg.R0);
        ring.Submit(
            Sqes.Read(Reg.R0.Low, ring.Reserve(4), 4, link: SqeLink.Link, data: 1),
            Sqes.Nop(link: SqeLink.HardLink, data: 2),
            Sqes.Nop(data: 3)).ShouldBeEmpty();
        ring.Submit(Sqes.Cancel(2, data: 100)).Select(c => c.Data).ShouldBe([100UL, 2UL]);
        ring.Submit(Sqes.Write(Reg.R0.High, ring.Put("z"), 1, data: 4)).Select(c => c.Data).ShouldBe([4UL, 1UL, 3UL]);
    }

    [Fact]
    public void Cancel_ALaterChainHeadOfTheSameEnter_CompletesItOnceAndNeverRunsIt()
    {
        // Regression: the head was consumed but not started when the CANCEL ran; it must not also be started.
        using var ring = NewRing(new RingOptions { SqEntries = 8, CqEntries = 4 });
        ring.Registers[5] = 5;
        var cqes = ring.Run(Sqes.Cancel(9, data: 1), Sqes.Nop(save: Reg.R5, link: SqeLink.Link, data: 9), Sqes.Nop(data: 3));
        cqes.Select(c => (c.Data, c.ErrorCode())).ShouldBe([(1UL, Errno.OK), (9UL, Errno.ECANCELED), (3UL, Errno.ECANCELED)]);
        ring.Registers[5].ShouldBe(5UL, "the cancelled head never ran");
        ring.InFlight.ShouldBe(0);
    }

    [Fact]
    public void Cancel_TargetsCompleteRightAfterTheCancel_BeforeTheRestOfItsChain()
    {
        using var ring = NewRing();
        ring.Pipe(Reg.R0);
        ring.Submit(Sqes.Read(Reg.R0.Low, ring.Reserve(4), 4, data: 7)).ShouldBeEmpty();
        var cqes = ring.Submit(Sqes.Cancel(7, link: SqeLink.Link, data: 100), Sqes.Nop(data: 2));
        cqes.Select(c => c.Data).ShouldBe([100UL, 7UL, 2UL]);
    }

    [Fact]
    public void Cancel_ItsOwnSuccessor_CompletesItWhenTheChainReachesIt()
    {
        using var ring = NewRing();
        var cqes = ring.Run(Sqes.Cancel(2, link: SqeLink.Link, data: 1), Sqes.Nop(data: 2));
        cqes.Select(c => (c.Data, c.ErrorCode())).ShouldBe([(1UL, Errno.OK), (2UL, Errno.ECANCELED)]);
    }

    [Fact]
    public async Task Enter_ZeroAmount_WaitsForCompletionsWithoutSubmitting()
    {
        using var ring = NewRing();
        ring.Submit(Sqes.Nop(data: 1, timeout: 2_000_000)).ShouldBeEmpty();
        ring.Ring.Push(Sqes.Nop(data: 2)); // queued, must not be consumed by enter(0, …)

        var waiter = Task.Run(() => ring.Ring.Enter(0, 1));
        ring.Clock.WaitUntilArmed(2, TimeSpan.FromSeconds(30)).ShouldBeTrue("the NOP's timer and the waiting enter's deadline");
        ring.Clock.Advance(2 * Ms);

        (await waiter.WaitAsync(TimeSpan.FromSeconds(30))).ShouldBe(new EnterResult(0, Errno.OK));
        ring.PopAll().Select(c => c.Data).ShouldBe([1UL]);
        ring.Ring.SqPending.ShouldBe(1u);
    }

    [Fact]
    public async Task Enter_WaitThatNeverComes_EndsAtTheEnterTimeoutWithNothingLost()
    {
        using var ring = NewRing(new RingOptions { EnterTimeout = TimeSpan.FromSeconds(3) });
        ring.Pipe(Reg.R0);
        ring.Ring.Push(Sqes.Read(Reg.R0.Low, ring.Reserve(4), 4, data: 1));
        ring.Ring.Push(Sqes.Nop(data: 2));

        var waiter = Task.Run(() => ring.Ring.Enter(2, 2));
        ring.Clock.WaitUntilArmed(1, TimeSpan.FromSeconds(30)).ShouldBeTrue("the enter is waiting");
        ring.Clock.Advance(TimeSpan.FromSeconds(3));

        (await waiter.WaitAsync(TimeSpan.FromSeconds(30))).ShouldBe(new EnterResult(2, Errno.ETIMEDOUT));
        ring.PopAll().Select(c => c.Data).ShouldBe([2UL]);
        ring.InFlight.ShouldBe(1, "the read still waits: nothing was dropped");
    }

    [Fact]
    public void Dispose_WithPendingWork_LeavesNoDescriptorPipeOrTimer()
    {
        var ring = NewRing();
        ring.Pipe(Reg.R0);
        ring.Pipe(Reg.R1);
        ring.Files.WriteFile("/f", "x");
        ring.Open("/f", OpenFlags.Read);
        ring.Submit(
            Sqes.Read(Reg.R0.Low, ring.Reserve(4), 4, link: SqeLink.Link, data: 1, timeout: 1_000_000_000),
            Sqes.Nop(data: 2),
            Sqes.Nop(data: 3, timeout: 5_000_000_000),
            Sqes.Poll(Reg.R1.Low, PollEvents.Read, data: 4)).ShouldBeEmpty();
        ring.LivePipes.ShouldBe(2);
        ring.Clock.ArmedTimers.ShouldBe(2);

        ring.Dispose(); // asserts: no descriptor, no pipe, no timer left

        ring.Clock.Advance(TimeSpan.FromSeconds(10)); // a timer that outlived the ring would touch freed memory now
    }
}
