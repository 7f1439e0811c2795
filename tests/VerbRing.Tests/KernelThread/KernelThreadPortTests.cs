using VerbRing.Kernel;
using VerbRing.Kernel.Namespaces;
using VerbRing.Tests.Infrastructure;
using VerbRing.Tooling.Benchmarking;
using VerbRing.Verbs;
using VerbRing.Verbs.Time;

namespace VerbRing.Tests.KernelThread;

/// <summary>
/// The kernel thread's handoff itself, beyond the contracts: an enter that crosses to the kernel thread and back
/// allocates nothing on the caller's thread however it waits (spinning, yielding or blocking), and tearing the ring
/// down while an enter waits on the kernel thread ends that enter.
/// </summary>
public sealed class KernelThreadPortTests
{
    [Fact]
    public void Enter_InSteadyState_AllocatesNothingOnTheCallingThread()
    {
        using var harness = Kernels.Create(KernelPlacement.KernelThread, new RingOptions { SqEntries = 64, CqEntries = 64 }, new MemoryNamespace(), new ManualClock(), []);
        var single = new NopWorkload(harness.Ring, 1, linked: false);
        var batch = new NopWorkload(harness.Ring, 64, linked: true);
        single.Run(100);
        batch.Run(10);

        long Window()
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            single.Run(2000);
            batch.Run(100);
            return GC.GetAllocatedBytesForCurrentThread() - before;
        }

        // Nothing per enter: 2 100 enters that allocated anything would show kilobytes in *every* window. What a
        // handoff allocates the first time it blocks (the event's lock object, first-use statics on the way into
        // the wait) lands in one window only — on a loaded machine that first block can come late — so the
        // quieter of two windows is the claim, and the bound is not zero.
        var first = Window();
        var second = Window();
        Math.Min(first, second).ShouldBeLessThan(256, $"windows allocated {first} and {second} bytes");
    }

    [Fact]
    public async Task Dispose_WhileAnEnterWaitsOnTheKernelThread_EndsItWithECANCELED()
    {
        var harness = Kernels.Create(KernelPlacement.KernelThread, new RingOptions(), new MemoryNamespace(), new ManualClock(), []);
        harness.Submit(Sqes.Nop(data: 1, timeout: 1_000_000_000)).ShouldBeEmpty();
        var waiter = Task.Run(() => harness.Ring.Enter(0, 1));
        harness.Clock.WaitUntilArmed(2, TimeSpan.FromSeconds(30)).ShouldBeTrue("the NOP's timer and the waiting enter's deadline");

        harness.Dispose();

        (await waiter.WaitAsync(TimeSpan.FromSeconds(30))).ShouldBe(new EnterResult(0, Errno.ECANCELED));
    }
}
