using VerbRing.Registers;
using VerbRing.Verbs;

namespace VerbRing.Tests.Infrastructure;

/// <summary>One SQE through a bare ring (no harness): push, enter for it and its CQE, pop.</summary>
public static class RingCalls
{
    public static Cqe RunOne(this IoRing ring, Sqe sqe)
    {
        ring.Push(sqe);
        ring.Enter(1, 1).ShouldBe(new EnterResult(1, Errno.OK));
        ring.TryPop(out var cqe).ShouldBeTrue();
        return cqe;
    }
}
