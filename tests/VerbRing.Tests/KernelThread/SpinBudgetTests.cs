using VerbRing.Kernel;

namespace VerbRing.Tests.KernelThread;

/// <summary>
/// The spin budget both handoffs share (the kernel thread's and the server's doorbell): how it fits itself to the
/// partner's answers, and that a spin returns at once for a word that moved and gives up on one that never does.
/// The fitting is pure arithmetic on ticks, checked without a clock.
/// </summary>
public sealed class SpinBudgetTests
{
    [Fact]
    public void NextWait_BeforeAnyAnswer_SpinsTheFullMaximum()
    {
        var budget = default(SpinBudget);

        budget.NextWait().ShouldBe(SpinBudget.MaxTicks);
        budget.FittedTicks.ShouldBe(0);
    }

    [Fact]
    public void Caught_AtOnce_FitsTheMinimum()
    {
        var budget = default(SpinBudget);

        budget.Caught(0);

        budget.FittedTicks.ShouldBe(SpinBudget.MinTicks);
        budget.NextWait().ShouldBe(SpinBudget.MinTicks);
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
    public void Missed_HalvesTheBudget_DownToTheMinimum()
    {
        var budget = default(SpinBudget);

        budget.Missed();
        budget.FittedTicks.ShouldBe(SpinBudget.MaxTicks / 2, "a first wait that slept halves the maximum it spun");

        for (var i = 0; i < 64; i++)
        {
            budget.Missed();
        }

        budget.FittedTicks.ShouldBe(SpinBudget.MinTicks);
    }

    [Fact]
    public void NextWait_EveryEighthWait_ProbesTheFullMaximum()
    {
        var budget = default(SpinBudget);
        budget.Caught(0);

        var waits = Enumerable.Range(1, 3 * SpinBudget.ProbeEvery).Select(_ => budget.NextWait()).ToArray();

        for (var i = 0; i < waits.Length; i++)
        {
            var probe = (i + 1) % SpinBudget.ProbeEvery == 0;
            waits[i].ShouldBe(probe ? SpinBudget.MaxTicks : SpinBudget.MinTicks, $"wait {i + 1}");
        }
    }

    [Theory]
    [InlineData(true, false)]
    [InlineData(true, true)]
    [InlineData(false, false)]
    [InlineData(false, true)]
    public void Spin_ReturnsWhetherTheWordMoved_AndFitsTheBudgetToIt(bool moved, bool partnerOnThisCpu)
    {
        var budget = default(SpinBudget);
        var word = moved ? 1 : 0;

        budget.Spin(ref word, seen: 0, PartnerCpu(partnerOnThisCpu)).ShouldBe(moved);

        budget.FittedTicks.ShouldBe(
            moved ? SpinBudget.MinTicks : SpinBudget.MaxTicks / 2,
            moved ? "caught at the first look" : "a spin that gave up on the word halves the maximum it spun");
    }

    /// <summary>A partner on this thread's CPU (every look yields), or on none (the spin starts tight).</summary>
    private static int PartnerCpu(bool onThisCpu) => onThisCpu ? Thread.GetCurrentProcessorId() : -1;
}
