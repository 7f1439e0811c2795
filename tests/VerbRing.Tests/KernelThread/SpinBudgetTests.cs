using VerbRing.Kernel;

namespace VerbRing.Tests.KernelThread;

/// <summary>
/// The spin budget both handoffs share (the kernel thread's and the server's doorbell): how it fits itself to the
/// partner's answers, turns spinning off when it does not pay (misses in a row, a lost CPU, a partner that cannot
/// answer), probes at a backing-off interval, and turns spinning on again when a probe pays. The rules are fed
/// outcomes and checked without a clock; only the last tests spin on a real word.
/// </summary>
public sealed class SpinBudgetTests
{
    [Fact]
    public void NextWait_BeforeAnyAnswer_SpinsTheFullMaximum()
    {
        var budget = default(SpinBudget);

        budget.NextWait(partnerCanAnswer: true).ShouldBe(SpinBudget.MaxTicks);
        budget.FittedTicks.ShouldBe(0);
        budget.Asleep.ShouldBeFalse();
    }

    [Fact]
    public void NextWait_PartnerCannotAnswer_SleepsAtOnce_AndLearnsNothing()
    {
        var budget = default(SpinBudget);
        budget.Caught(0);

        budget.NextWait(partnerCanAnswer: false).ShouldBe(0, "a partner asleep or on this CPU cannot answer while we spin");
        budget.NextWait(partnerCanAnswer: true).ShouldBe(SpinBudget.MinTicks, "the fitted budget is untouched");
        budget.Asleep.ShouldBeFalse();
    }

    [Fact]
    public void Caught_AtOnce_FitsTheMinimum()
    {
        var budget = default(SpinBudget);

        budget.Caught(0);

        budget.FittedTicks.ShouldBe(SpinBudget.MinTicks);
        budget.NextWait(partnerCanAnswer: true).ShouldBe(SpinBudget.MinTicks);
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
    public void Missed_HalvesTheBudget_AndTheThirdInARowTurnsSpinningOff()
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
        budget.NextWait(partnerCanAnswer: true).ShouldBe(0, "spinning is off: sleep at once");
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

    [Fact]
    public void Preempted_TurnsSpinningOffAtOnce()
    {
        var budget = default(SpinBudget);
        budget.Caught(SpinBudget.MaxTicks);

        budget.Preempted();

        budget.Asleep.ShouldBeTrue("one spin that lost its CPU says the machine is oversubscribed");
        budget.NextWait(partnerCanAnswer: true).ShouldBe(0);
    }

    [Fact]
    public void Asleep_SpinsTheFullMaximumOnlyOnEveryProbe()
    {
        var budget = Crowded();

        var waits = Waits(ref budget, 3 * SpinBudget.ProbeEvery);

        for (var i = 0; i < waits.Length; i++)
        {
            var probe = (i + 1) % SpinBudget.ProbeEvery == 0;
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

        intervals.ShouldBe([16, 32, 64, 128, 256, 512, 1024, 1024, 1024, 1024, 1024, 1024]);
        budget.Asleep.ShouldBeTrue();
    }

    [Fact]
    public void FailedProbe_ThatLostItsCpu_AlsoDoublesTheInterval()
    {
        var budget = Crowded();

        Waits(ref budget, SpinBudget.ProbeEvery);
        budget.Preempted();

        budget.ProbeInterval.ShouldBe(2 * SpinBudget.ProbeEvery);
        budget.Asleep.ShouldBeTrue();
    }

    [Fact]
    public void CaughtProbe_TurnsSpinningBackOn_AndResetsTheInterval()
    {
        var budget = Crowded();
        for (var probe = 0; probe < 4; probe++)
        {
            Waits(ref budget, budget.ProbeInterval);
            budget.Missed();
        }

        budget.ProbeInterval.ShouldBe(16 * SpinBudget.ProbeEvery);
        Waits(ref budget, budget.ProbeInterval);
        budget.Caught(SpinBudget.MinTicks);

        budget.Asleep.ShouldBeFalse();
        budget.ProbeInterval.ShouldBe(SpinBudget.ProbeEvery);
        budget.NextWait(partnerCanAnswer: true).ShouldBe(2 * SpinBudget.MinTicks, "fitted to the answer the probe caught");
    }

    [Fact]
    public void PartnerThatCannotAnswer_IsStillProbed()
    {
        var budget = default(SpinBudget);
        budget.Caught(0);

        var waits = Enumerable.Range(1, SpinBudget.ProbeEvery).Select(_ => budget.NextWait(partnerCanAnswer: false)).ToArray();

        waits[..^1].ShouldAllBe(ticks => ticks == 0);
        waits[^1].ShouldBe(SpinBudget.MaxTicks, "a partner asleep on every wait (the sleeping ping-pong) is probed");
    }

    [Fact]
    public void Spin_WordAlreadyMoved_ReturnsTrue_AndFitsTheMinimum()
    {
        var budget = default(SpinBudget);
        var word = 1;

        budget.Spin(ref word, seen: 0, partnerCanAnswer: true).ShouldBeTrue();

        budget.FittedTicks.ShouldBe(SpinBudget.MinTicks, "caught at the first look");
    }

    [Fact]
    public void Spin_PartnerCannotAnswer_ReturnsFalseAtOnce_AndLearnsNothing()
    {
        var budget = default(SpinBudget);
        var word = 0;

        budget.Spin(ref word, seen: 0, partnerCanAnswer: false).ShouldBeFalse();

        budget.FittedTicks.ShouldBe(0);
        budget.Asleep.ShouldBeFalse();
    }

    [Fact]
    public void Spin_WordThatNeverMoves_GivesUpAndCountsAMiss()
    {
        var budget = default(SpinBudget);
        var word = 0;

        budget.Spin(ref word, seen: 0, partnerCanAnswer: true).ShouldBeFalse();

        // The spin either ran its whole budget (a miss halves the maximum) or lost its CPU on this shared machine
        // (spinning off); which one is up to the scheduler, but it is one of the two.
        (budget.FittedTicks == SpinBudget.MaxTicks / 2 || budget.Asleep).ShouldBeTrue($"fitted {budget.FittedTicks}, asleep {budget.Asleep}");
    }

    /// <summary>A budget with spinning turned off, at the first probe interval, its wait count at zero.</summary>
    private static SpinBudget Crowded()
    {
        var budget = default(SpinBudget);
        budget.Caught(0);
        Waits(ref budget, SpinBudget.ProbeEvery - 1);
        budget.NextWait(partnerCanAnswer: true).ShouldBe(SpinBudget.MaxTicks, "the setup ends on a probe");
        budget.Preempted();
        budget.Asleep.ShouldBeTrue();
        budget.ProbeInterval.ShouldBe(SpinBudget.ProbeEvery);
        return budget;
    }

    private static long[] Waits(ref SpinBudget budget, int count)
    {
        var waits = new long[count];
        for (var i = 0; i < count; i++)
        {
            waits[i] = budget.NextWait(partnerCanAnswer: true);
        }

        return waits;
    }
}
