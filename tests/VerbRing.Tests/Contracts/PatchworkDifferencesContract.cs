using VerbRing.Kernel;
using VerbRing.Registers;
using VerbRing.Tests.Infrastructure;
using VerbRing.Verbs;

namespace VerbRing.Tests.Contracts;

/// <summary>
/// Where a program written for PatchworkOS would see VerbRing answer differently (spec/differences.md): empty ranges
/// outside user memory, a timeout of 0, and CANCEL's arg1 values that mean something else on develop.
/// </summary>
public abstract class PatchworkDifferencesContract : KernelContract
{
    [Fact]
    public void Read_EmptyRangeOutsideUserMemory_IsEfault()
    {
        using var ring = NewRing();
        ring.Files.WriteFile("/f", "0123");
        var fd = ring.Open("/f", OpenFlags.Read);
        var end = ring.Ring.Layout.UserEnd;

        // develop answers a NULL buffer or a count of 0 with EINVAL; here only the range decides, empty or not.
        ring.RunOne(Sqes.Read(fd, 0UL, 0, offset: 0)).ShouldFailWith(Errno.EFAULT);
        ring.RunOne(Sqes.Read(fd, RingLayout.UserBase - 1, 0, offset: 0)).ShouldFailWith(Errno.EFAULT);
        ring.RunOne(Sqes.Read(fd, end + 1, 0, offset: 0)).ShouldFailWith(Errno.EFAULT);
        ring.RunOne(Sqes.Read(fd, RingLayout.UserBase, 0, offset: 0)).ShouldSucceedWith(0);
        ring.RunOne(Sqes.Read(fd, end, 0, offset: 0)).ShouldSucceedWith(0);
    }

    [Fact]
    public void Nop_TimeoutZero_CompletesAtOnceWithZero()
    {
        using var ring = NewRing();

        // PatchworkOS arms a deadline of "now" for 0 and completes the NOP with ETIMEDOUT; here 0 means no timeout.
        var cqes = ring.Submit(Sqes.Nop(save: Reg.R3, data: 1, timeout: 0));

        cqes.ShouldHaveSingleItem().ShouldSucceedWith(0);
        ring.Registers[3].ShouldBe(0UL);
        ring.Clock.ArmedTimers.ShouldBe(0, "no timer was armed");
    }

    [Fact]
    public void Cancel_DevelopsFirstMatchZeroOrAnOtherBit_IsEinvalAndCancelsNothing()
    {
        using var ring = NewRing();
        ring.Pipe(Reg.R0);
        ring.Submit(Sqes.Read(Reg.R0.Low, ring.Reserve(4), 4, data: 7)).ShouldBeEmpty();

        // On develop, arg1 = 0 cancels the first operation whose data matches.
        ring.RunOne(Sqes.Cancel(7, 0UL, data: 100)).ShouldFailWith(Errno.EINVAL);

        // develop ignores arg1's other bits, so ALL | 4 would cancel every match there.
        ring.RunOne(Sqes.Cancel(7, (ulong)CancelMode.All | 4, data: 101)).ShouldFailWith(Errno.EINVAL);

        ring.InFlight.ShouldBe(1, "the read still waits");
        ring.PopAll().ShouldBeEmpty();
    }

    [Fact]
    public void Cancel_Any_MatchesOnlyItsTag_NotAnyData()
    {
        using var ring = NewRing();
        ring.Pipe(Reg.R0);
        var buffer = ring.Reserve(4);
        ring.Submit(Sqes.Read(Reg.R0.Low, buffer, 4, data: 5), Sqes.Read(Reg.R0.Low, buffer, 4, data: 6)).ShouldBeEmpty();

        // On develop, IO_CANCEL_ANY (2) matches any data: it would cancel the read tagged 5 here.
        ring.RunOne(Sqes.Cancel(9, (ulong)CancelMode.Any, data: 100)).ShouldFailWith(Errno.ENOENT);
        ring.InFlight.ShouldBe(2, "nothing matched tag 9, so nothing was cancelled");

        var cqes = ring.Submit(Sqes.Cancel(6, (ulong)CancelMode.Any, data: 101));
        cqes.Select(c => (c.Data, c.ErrorCode(), c.Result)).ShouldBe([(101UL, Errno.OK, 1UL), (6UL, Errno.ECANCELED, Abi.Err)]);
        ring.InFlight.ShouldBe(1, "the read tagged 5, older, still waits");
    }
}

// The contract on every kernel. Kept beside it (rather than in each kernel's contracts file) so it stands alone.

public sealed class InProcessPatchworkDifferencesTests : PatchworkDifferencesContract
{
    protected override KernelPlacement Kernel => KernelPlacement.InProcess;
}

public sealed class KernelThreadPatchworkDifferencesTests : PatchworkDifferencesContract
{
    protected override KernelPlacement Kernel => KernelPlacement.KernelThread;
}

public sealed class ServerPatchworkDifferencesTests : PatchworkDifferencesContract
{
    protected override KernelPlacement Kernel => KernelPlacement.Server;
}
