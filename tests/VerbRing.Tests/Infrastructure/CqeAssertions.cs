using VerbRing.Registers;
using VerbRing.Verbs;

namespace VerbRing.Tests.Infrastructure;

/// <summary>Readable assertions on completions: which errno, which result.</summary>
public static class CqeAssertions
{
    public static void ShouldSucceedWith(this Cqe cqe, ulong result)
    {
        ((Errno)cqe.Error).ShouldBe(Errno.OK, $"CQE data={cqe.Data} op={cqe.Op}");
        cqe.Result.ShouldBe(result, $"CQE data={cqe.Data} op={cqe.Op}");
    }

    public static void ShouldSucceed(this Cqe cqe) =>
        ((Errno)cqe.Error).ShouldBe(Errno.OK, $"CQE data={cqe.Data} op={cqe.Op}");

    public static void ShouldFailWith(this Cqe cqe, Errno errno)
    {
        ((Errno)cqe.Error).ShouldBe(errno, $"CQE data={cqe.Data} op={cqe.Op}");
        cqe.Result.ShouldBe(Abi.Err, "a failed CQE carries ERR as its result");
    }

    public static Errno ErrorCode(this Cqe cqe) => (Errno)cqe.Error;
}
