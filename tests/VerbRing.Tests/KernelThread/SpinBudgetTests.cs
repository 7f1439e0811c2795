using Microsoft.Extensions.Time.Testing;
using VerbRing.Kernel;
using VerbRing.Verbs.Client;

namespace VerbRing.Tests.KernelThread;

/// <summary>
/// The spin budget both handoffs share (the kernel thread's and the server's doorbell): how it fits itself to the
/// partner's answers, turns spinning off when it does not pay (a lost CPU; for the asking side, misses in a row),
/// probes at a backing-off interval, turns spinning on again when a probe pays, and — for the answering side — does
/// not spin for a partner asleep. The rules are fed outcomes and checked without a clock; only the last tests spin
/// on a real word.
/// </summary>
public sealed class SpinBudgetTests
{
    [Fact]
    public void NextWait_BeforeAnyAnswer_SpinsTheFullMaximum()
    {
        var budget = default(SpinBudget);

        budget.NextWait(partnerAwake: true).ShouldBe(SpinBudget.MaxTicks);
        budget.FittedTicks.ShouldBe(0);
        budget.Asleep.ShouldBeFalse();
    }

    [Fact]
    public void NextWait_FollowerWithItsPartnerAsleep_SleepsAtOnce_EvenOnAProbe()
    {
        var budget = SpinBudget.Follower();
        budget.Caught(0);

        var waits = Enumerable.Range(0, 2 * SpinBudget.ProbeEvery).Select(_ => budget.NextWait(partnerAwake: false)).ToArray();

        waits.ShouldAllBe(ticks => ticks == 0, "the asker needs a wake-up before it can ask again");
        budget.NextWait(partnerAwake: true).ShouldBe(SpinBudget.MinTicks, "the fitted budget is untouched");
    }

    [Fact]
    public void NextWait_LeaderWithItsPartnerAsleep_StillSpins()
    {
        var budget = default(SpinBudget);
        budget.Caught(0);

        budget.NextWait(partnerAwake: false).ShouldBe(SpinBudget.MinTicks, "the asker spins through its partner's wake-up");
    }

    [Fact]
    public void Caught_AtOnce_FitsTheMinimum()
    {
        var budget = default(SpinBudget);

        budget.Caught(0);

        budget.FittedTicks.ShouldBe(SpinBudget.MinTicks);
        budget.NextWait(partnerAwake: true).ShouldBe(SpinBudget.MinTicks);
    }

    [Fact]
    public void Caught_AfterSomeTicks_StretchesToTwiceThat_AndNeverShrinks()
    {
        var budget = default(SpinBudget);
        budget.Caught(0);

        budget.Caught(3 * SpinBudget.MinTicks);
        budget.FittedTicks.ShouldBe(6 * SpinBudget.MinTicks);

        budget.Caught(SpinBudget.MinTicks);
        budget.FittedTicks.ShouldBe(6 * SpinBudget.MinTicks, "a quicker answer keeps the budget a slower one needed");
    }

    [Fact]
    public void Caught_Late_IsCappedAtTheMaximum()
    {
        var budget = default(SpinBudget);

        budget.Caught(SpinBudget.MaxTicks);

        budget.FittedTicks.ShouldBe(SpinBudget.MaxTicks);
    }

    [Fact]
    public void Missed_HalvesTheBudget_AndTheThirdInARowTurnsALeaderOff()
    {
        var budget = default(SpinBudget);
        budget.Caught(SpinBudget.MaxTicks);

        budget.Missed();
        budget.FittedTicks.ShouldBe(SpinBudget.MaxTicks / 2);
        budget.Missed();
        budget.FittedTicks.ShouldBe(SpinBudget.MaxTicks / 4);
        budget.Asleep.ShouldBeFalse($"{SpinBudget.MissesToSleep - 1} misses in a row still spin");

        budget.Missed();

        budget.Asleep.ShouldBeTrue();
        budget.NextWait(partnerAwake: true).ShouldBe(0, "spinning is off: sleep at once");
    }

    [Fact]
    public void Missed_ByAFollower_OnlyHalvesTheBudget()
    {
        var budget = SpinBudget.Follower();
        budget.Caught(SpinBudget.MaxTicks);

        for (var i = 0; i < 64; i++)
        {
            budget.Missed();
        }

        budget.Asleep.ShouldBeFalse("an asker that does other work between enters is not a crowded machine");
        budget.FittedTicks.ShouldBe(SpinBudget.MinTicks);
    }

    [Fact]
    public void Missed_WithCatchesBetween_KeepsSpinning_DownToTheMinimum()
    {
        var budget = default(SpinBudget);

        for (var i = 0; i < 64; i++)
        {
            budget.Missed();
            budget.Missed();
            budget.Caught(0);
        }

        budget.Asleep.ShouldBeFalse("a partner that answers now and then is worth a short spin");
        budget.FittedTicks.ShouldBe(SpinBudget.MinTicks);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Preempted_TwiceWithinLostCpuCatches_TurnsSpinningOff_AndDoublesTheProbeInterval(bool follower)
    {
        var budget = follower ? SpinBudget.Follower() : default;
        budget.Caught(SpinBudget.MaxTicks);

        budget.Preempted();
        budget.Asleep.ShouldBeFalse("one lost time slice among many catches is not a crowd");
        budget.LostCpuDebt.ShouldBe(SpinBudget.LostCpuCatches);
        for (var i = 0; i < SpinBudget.LostCpuCatches - 1; i++)
        {
            budget.Caught(0);
        }

        budget.Preempted();

        budget.Asleep.ShouldBeTrue("two lost slices within the catches one costs say the machine is oversubscribed");
        budget.ProbeInterval.ShouldBe(2 * SpinBudget.ProbeEvery);
        budget.NextWait(partnerAwake: true).ShouldBe(0);
    }

    [Fact]
    public void Preempted_FartherApartThanLostCpuCatches_KeepsSpinning()
    {
        var budget = default(SpinBudget);

        for (var round = 0; round < 8; round++)
        {
            budget.Preempted();
            for (var i = 0; i < SpinBudget.LostCpuCatches; i++)
            {
                budget.Caught(0);
            }
        }

        budget.Asleep.ShouldBeFalse("beside compilers that block now and then, spinning still pays");
    }

    [Fact]
    public void Preempted_FirstAfterSpinningCameBackOn_TurnsItOffAgain()
    {
        var budget = Crowded();
        Waits(ref budget, budget.ProbeInterval);
        budget.Caught(0);
        budget.Asleep.ShouldBeFalse("the probe caught");

        budget.Preempted();

        budget.Asleep.ShouldBeTrue("back on probation, one lost slice is enough");
    }

    [Fact]
    public void Answered_AfterALostCpu_CountsAsPreempted_NotAsACatch()
    {
        var budget = default(SpinBudget);
        budget.Caught(0);

        budget.Answered(now: 1000 + SpinBudget.PreemptedTicks, start: 900, last: 1000);
        budget.Answered(now: 3000 + SpinBudget.PreemptedTicks, start: 2900, last: 3000);

        budget.Asleep.ShouldBeTrue("yields that came back a time slice later caught the answers too late: lost CPUs");
        budget.FittedTicks.ShouldBe(SpinBudget.MinTicks);
    }

    [Fact]
    public void Answered_WithoutAGap_IsACatchAfterTheTimeSinceTheFirstClockRead()
    {
        var budget = default(SpinBudget);

        budget.Answered(now: 1000 + SpinBudget.MinTicks, start: 1000, last: 1000 + SpinBudget.MinTicks - 1);

        budget.Asleep.ShouldBeFalse();
        budget.FittedTicks.ShouldBe(2 * SpinBudget.MinTicks);
    }

    [Fact]
    public void Asleep_SpinsTheFullMaximumOnlyOnEveryProbe()
    {
        var budget = Crowded();

        var waits = Waits(ref budget, 3 * budget.ProbeInterval);

        for (var i = 0; i < waits.Length; i++)
        {
            var probe = (i + 1) % (2 * SpinBudget.ProbeEvery) == 0;
            waits[i].ShouldBe(probe ? SpinBudget.MaxTicks : 0, $"wait {i + 1}");
        }
    }

    [Fact]
    public void FailedProbes_DoubleTheInterval_UpToTheMaximum()
    {
        var budget = Crowded();
        var intervals = new List<int>();

        for (var probe = 0; probe < 12; probe++)
        {
            var waits = Waits(ref budget, budget.ProbeInterval);
            waits[^1].ShouldBe(SpinBudget.MaxTicks, "the interval's last wait is the probe");
            waits[..^1].ShouldAllBe(ticks => ticks == 0);
            budget.Missed();
            intervals.Add(budget.ProbeInterval);
        }

        intervals.ShouldBe([32, 64, 128, 256, 512, 1024, 2048, 4096, 4096, 4096, 4096, 4096]);
        budget.Asleep.ShouldBeTrue();
    }

    [Fact]
    public void CaughtProbe_TurnsSpinningBackOn_AndKeepsTheInterval()
    {
        var budget = Crowded();
        for (var probe = 0; probe < 3; probe++)
        {
            Waits(ref budget, budget.ProbeInterval);
            budget.Missed();
        }

        budget.ProbeInterval.ShouldBe(16 * SpinBudget.ProbeEvery);
        Waits(ref budget, budget.ProbeInterval);
        budget.Caught(SpinBudget.MinTicks);

        budget.Asleep.ShouldBeFalse();
        budget.ProbeInterval.ShouldBe(16 * SpinBudget.ProbeEvery, "one catch does not prove the crowd gone");
        budget.NextWait(partnerAwake: true).ShouldBe(2 * SpinBudget.MinTicks, "fitted to the answer the probe caught");
    }

    [Fact]
    public void SustainedCatches_HalveTheInterval_DownToTheFirst()
    {
        var budget = Crowded();
        Waits(ref budget, budget.ProbeInterval);
        budget.Missed();
        budget.ProbeInterval.ShouldBe(4 * SpinBudget.ProbeEvery);

        var intervals = new List<int>();
        for (var run = 0; run < 4; run++)
        {
            for (var i = 0; i < SpinBudget.SustainedCatches; i++)
            {
                budget.Caught(0);
            }

            intervals.Add(budget.ProbeInterval);
        }

        intervals.ShouldBe([2 * SpinBudget.ProbeEvery, SpinBudget.ProbeEvery, SpinBudget.ProbeEvery, SpinBudget.ProbeEvery]);
    }

    [Fact]
    public void Spin_WordAlreadyMoved_ReturnsTrue_AndFitsTheMinimum()
    {
        var budget = default(SpinBudget);
        var word = 1;

        budget.Spin(ref word, seen: 0, partnerCpu: -1).ShouldBeTrue();

        budget.FittedTicks.ShouldBe(SpinBudget.MinTicks, "caught at the first look");
    }

    [Fact]
    public void Spin_FollowerWithItsPartnerAsleep_ReturnsFalseAtOnce_AndLearnsNothing()
    {
        var budget = SpinBudget.Follower();
        var word = 0;

        budget.Spin(ref word, seen: 0, partnerCpu: -1, partnerAsleep: true).ShouldBeFalse();

        budget.FittedTicks.ShouldBe(0);
        budget.Asleep.ShouldBeFalse();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Spin_WordThatNeverMoves_GivesUpAndCountsAMiss(bool partnerOnThisCpu)
    {
        var budget = default(SpinBudget);
        var word = 0;

        budget.Spin(ref word, seen: 0, partnerOnThisCpu ? Thread.GetCurrentProcessorId() : -1).ShouldBeFalse();

        // The spin (tight, or yielding for a partner on this CPU) either ran its whole budget — a miss halves the
        // maximum — or lost its CPU on this shared machine, a debt of one time slice; the scheduler picks which.
        (budget.FittedTicks == SpinBudget.MaxTicks / 2 || budget.LostCpuDebt == SpinBudget.LostCpuCatches)
            .ShouldBeTrue($"fitted {budget.FittedTicks}, debt {budget.LostCpuDebt}");
    }

    [Fact]
    public void Leader_WithAFreshHintOfACrowd_StartsWithSpinningOff_AtTheHintsInterval()
    {
        var clock = new FakeTimeProvider();
        var hint = new SpinHint(clock);
        var first = SpinBudget.Leader(hint);
        first.Caught(0);
        first.Preempted();
        first.Preempted();
        hint.Interval.ShouldBe(2 * SpinBudget.ProbeEvery, "turning off publishes the interval");

        var next = SpinBudget.Leader(hint);

        next.NextWait(partnerAwake: true).ShouldBe(0);
        next.Asleep.ShouldBeTrue();
        next.ProbeInterval.ShouldBe(2 * SpinBudget.ProbeEvery);
    }

    [Fact]
    public void Leader_WithAStaleHint_StartsSpinning()
    {
        var clock = new FakeTimeProvider();
        var hint = new SpinHint(clock);
        hint.Publish(64);
        clock.Advance(SpinHint.Lifetime);

        var budget = SpinBudget.Leader(hint);

        budget.NextWait(partnerAwake: true).ShouldBe(SpinBudget.MaxTicks, "a crowd a second ago may have gone");
        budget.Asleep.ShouldBeFalse();
    }

    [Fact]
    public void SustainedCatches_PublishTheShorterInterval()
    {
        var hint = new SpinHint(new FakeTimeProvider());
        var budget = SpinBudget.Leader(hint);
        budget.NextWait(partnerAwake: true);
        budget.Preempted();
        budget.Preempted();
        hint.Interval.ShouldBe(2 * SpinBudget.ProbeEvery);

        for (var i = 0; i < SpinBudget.SustainedCatches; i++)
        {
            budget.Caught(0);
        }

        hint.Interval.ShouldBe(SpinBudget.ProbeEvery);
        SpinBudget.Leader(hint).NextWait(partnerAwake: true).ShouldBe(SpinBudget.MaxTicks, "the first interval is no crowd");
    }

    /// <summary>A leader whose spinning two lost CPUs turned off: the probe interval doubled once, its wait count at zero.</summary>
    private static SpinBudget Crowded()
    {
        var budget = default(SpinBudget);
        budget.Caught(0);
        Waits(ref budget, SpinBudget.ProbeEvery - 1);
        budget.NextWait(partnerAwake: true).ShouldBe(SpinBudget.MaxTicks, "the setup ends on a probe");
        budget.Preempted();
        budget.Preempted();
        budget.Asleep.ShouldBeTrue();
        budget.ProbeInterval.ShouldBe(2 * SpinBudget.ProbeEvery);
        return budget;
    }

    private static long[] Waits(ref SpinBudget budget, int count)
    {
        var waits = new long[count];
        for (var i = 0; i < count; i++)
        {
            waits[i] = budget.NextWait(partnerAwake: true);
        }

        return waits;
    }
}
