using VerbRing.Kernel;
using VerbRing.Tests.Infrastructure;
using VerbRing.Verbs;

namespace VerbRing.Tests.Contracts;

/// <summary>
/// A verb that enters its own ring is refused with EBUSY. Only kernels that run verbs in the client's process can
/// host such a verb (a server's verbs cannot call back into a client synchronously), so only they run this.
/// </summary>
public abstract class ReentryContract : KernelContract
{
    private static readonly TimeSpan Ms = TimeSpan.FromMilliseconds(1);

    [Fact]
    public void Enter_FromInsideARunningEnter_IsEbusy()
    {
        var reenter = new ReenterVerb();
        using var ring = NewRing(extraVerbs: reenter);
        reenter.Ring = ring.Ring;
        ring.Ring.Push(Sqes.Create(ReenterVerb.Code, data: 1));
        ring.Ring.Push(Sqes.Nop(data: 2));

        ring.Ring.Enter(1, 1).ShouldBe(new EnterResult(1, Errno.OK));

        reenter.Observed.ShouldBe(new EnterResult(0, Errno.EBUSY));
        ring.PopAll().ShouldHaveSingleItem().ShouldSucceedWith(0);
        ring.Ring.SqPending.ShouldBe(1u, "the nested enter consumed nothing");
    }

    [Fact]
    public void Enter_FromAVerbWhoseChainATimerResumed_IsEbusy()
    {
        // The chain resumes on the clock's thread, outside any enter; the verb's nested enter must still be refused
        // (not consume the queued NOP, and on the kernel thread not deadlock).
        var reenter = new ReenterVerb();
        using var ring = NewRing(extraVerbs: reenter);
        reenter.Ring = ring.Ring;
        ring.Submit(Sqes.Nop(link: SqeLink.Link, data: 1, timeout: 1_000_000), Sqes.Create(ReenterVerb.Code, data: 2)).ShouldBeEmpty();
        ring.Ring.Push(Sqes.Nop(data: 3));

        ring.Advance(Ms).Select(c => c.Data).ShouldBe([1UL, 2UL]);

        reenter.Observed.ShouldBe(new EnterResult(0, Errno.EBUSY));
        ring.Ring.SqPending.ShouldBe(1u, "the nested enter consumed nothing");
    }
}
