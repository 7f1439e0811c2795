using VerbRing.Kernel;
using VerbRing.Kernel.Tracing;
using VerbRing.Registers;
using VerbRing.Tests.Infrastructure;
using VerbRing.Verbs;
using VerbRing.Verbs.Programs;

namespace VerbRing.Tests.Contracts;

/// <summary>
/// Every wait ends, and nothing queued is ever stuck: an enter's own timeout, the wedge reproducers of issue 14 (a
/// ring whose every slot pends), and programs that run into their deadline with thousands of operations pending.
/// The clock is manual; a program's run steps it.
/// </summary>
public abstract class DeadlineContract : KernelContract
{
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task Enter_TimeoutOfItsOwn_EndsTheWaitThenWithTheConsumedCountKept()
    {
        using var ring = NewRing(new RingOptions { EnterTimeout = TimeSpan.FromSeconds(10) });
        ring.Pipe(Reg.R0);
        ring.Ring.Push(Sqes.Read(Reg.R0.Low, ring.Reserve(4), 4, data: 1));
        ring.Ring.Push(Sqes.Nop(data: 2));

        var waiter = Task.Run(() => ring.Ring.Enter(2, 2, 3 * Second));
        ring.Clock.WaitUntilArmed(1, TimeSpan.FromSeconds(30)).ShouldBeTrue("the enter is waiting");
        ring.Clock.Advance(3 * Second - TimeSpan.FromTicks(1));
        waiter.IsCompleted.ShouldBeFalse("not before its own timeout");
        ring.Clock.Advance(TimeSpan.FromTicks(1));

        (await waiter.WaitAsync(TimeSpan.FromSeconds(30))).ShouldBe(new EnterResult(2, Errno.ETIMEDOUT));
        ring.PopAll().Select(c => c.Data).ShouldBe([2UL]);
        ring.InFlight.ShouldBe(1, "the read still waits: nothing was dropped");
    }

    [Fact]
    public async Task Enter_TimeoutLongerThanTheRings_EndsAtTheRings()
    {
        using var ring = NewRing(new RingOptions { EnterTimeout = 2 * Second });
        ring.Pipe(Reg.R0);
        ring.Ring.Push(Sqes.Read(Reg.R0.Low, ring.Reserve(4), 4, data: 1));

        var waiter = Task.Run(() => ring.Ring.Enter(1, 1, TimeSpan.FromMinutes(5)));
        ring.Clock.WaitUntilArmed(1, TimeSpan.FromSeconds(30)).ShouldBeTrue("the enter is waiting");
        ring.Clock.Advance(2 * Second);

        (await waiter.WaitAsync(TimeSpan.FromSeconds(30))).ShouldBe(new EnterResult(1, Errno.ETIMEDOUT));
    }

    [Fact]
    public void Enter_ZeroTimeout_AnswersAtOnceWithWhatIsThere()
    {
        using var ring = NewRing();
        ring.Pipe(Reg.R0);
        ring.Ring.Push(Sqes.Read(Reg.R0.Low, ring.Reserve(4), 4, data: 1));
        ring.Ring.Push(Sqes.Nop(data: 2));

        ring.Ring.Enter(2, 2, TimeSpan.Zero).ShouldBe(new EnterResult(2, Errno.ETIMEDOUT));
        ring.Ring.Enter(0, 1, TimeSpan.Zero).ShouldBe(new EnterResult(0, Errno.OK), "one CQE is there");
        ring.Clock.ArmedTimers.ShouldBe(0, "a zero timeout arms nothing");
    }

    [Fact]
    public void Enter_NegativeTimeout_IsEinvalAndConsumesNothing()
    {
        using var ring = NewRing();
        ring.Ring.Push(Sqes.Nop(data: 1));

        ring.Ring.Enter(1, 1, TimeSpan.FromMilliseconds(-5)).ShouldBe(new EnterResult(0, Errno.EINVAL));
        ring.Ring.SqPending.ShouldBe(1u);
    }

    [Fact]
    public void Run_ReadLinkedToNopThenTheWriteThatFeedsIt_OnATwoEntryRing_Completes()
    {
        var run = RunProgram(new RingOptions { SqEntries = 2, CqEntries = 2 }, WedgePrograms.ReadLinkedToNop);

        run.IsComplete.ShouldBeTrue();
        run.Completions.Select(c => (c.Step, c.Error, c.Result)).ShouldBe(
            [(0, Errno.OK, 1UL << 32), (3, Errno.OK, 1UL), (1, Errno.OK, 1UL), (2, Errno.OK, 0UL)]);
    }

    [Fact]
    public void Run_NinePollsThenTheWrite_OnAnEightEntryRing_Completes()
    {
        var run = RunProgram(new RingOptions { SqEntries = 8, CqEntries = 8 }, WedgePrograms.PollMany);

        run.IsComplete.ShouldBeTrue();
        run.Completions.Skip(1).First().Step.ShouldBe(10, "the WRITE completes first, then what it woke");
        run.Completions.Where(c => c.Step is >= 1 and <= 9).ShouldAllBe(c => c.Error == Errno.OK && c.Result == (ulong)PollEvents.Read);
    }

    [Fact]
    public void Run_ThousandsOfPollsPendingOnAnEightEntryRing_EndAtTheDeadlineCancelledAndReported()
    {
        const int Polls = 3000;
        using var ring = NewRing(new RingOptions { SqEntries = 8, CqEntries = 8 });
        var loaded = Assemble(WedgePrograms.PollsNothingWakes(Polls) + "nop timeout 60s\n", ring).LoadInto(ring.Ring);
        var start = ring.Clock.GetTimestamp();

        var run = loaded.Run(5 * Second, ring.Clock);

        (ring.Clock.GetTimestamp() - start).ShouldBe((5 * Second).Ticks, "the run stepped the clock to its deadline, no further");
        run.MissingSteps.ShouldBe(Enumerable.Range(1, Polls + 1), "every POLL (and the sleep) was consumed and pended until the deadline");
        var cancelled = run.StrayCompletions.Where(c => c.Op is (uint)Op.Poll or (uint)Op.Nop).ToList();
        cancelled.Count.ShouldBe(Polls + 1, "each missing step was cancelled, and its CQE reaped");
        cancelled.ShouldAllBe(c => c.Error == (int)Errno.ECANCELED);
        ring.InFlight.ShouldBe(0, "nothing of the run is left in the ring");
        ring.FindKernelInconsistencies().ShouldBeEmpty();
    }

    private ProgramRun RunProgram(RingOptions options, string text)
    {
        using var ring = NewRing(options);
        var run = Assemble(text, ring).LoadInto(ring.Ring).Run(5 * Second, ring.Clock);
        ring.InFlight.ShouldBe(0);
        return run;
    }

    private static LinkedProgram Assemble(string text, RingHarness ring) =>
        LinkedProgram.FromText(text, "test.vr", new RingCapacity(ring.Ring.Layout.SqEntries, ring.Ring.Layout.UserMemorySize));
}
