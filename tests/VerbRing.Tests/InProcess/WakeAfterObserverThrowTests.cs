using VerbRing.Kernel;
using VerbRing.Kernel.Namespaces;
using VerbRing.Tests.Infrastructure;
using VerbRing.Verbs;
using VerbRing.Verbs.Time;

namespace VerbRing.Tests.InProcess;

/// <summary>
/// An observer's exception inside a pipe wake's retries (its bug; it reaches the enter's caller) leaves the rest of
/// that wake to the next drain: the other woken READ still gets its byte.
/// </summary>
public sealed class WakeAfterObserverThrowTests
{
    private sealed class ThrowOnceObserver : IRingObserver
    {
        public ulong ThrowOn { get; set; } = ulong.MaxValue;

        public void OnCompleted(in TracedOperation operation)
        {
            if (operation.Data == ThrowOn)
            {
                ThrowOn = ulong.MaxValue;
                throw new InvalidOperationException("observer bug");
            }
        }
    }

    // Two READs parked on a pipe; a 2-byte WRITE wakes both; the observer throws when the first READ completes,
    // inside the wake's retries. The wake goes back to the ready queue, and the next drain retries the second READ
    // (found by review: the wake's cut used to stay behind in the WaitQueue with no ready entry left for it).
    [Fact]
    public void ObserverThrowsInsideAWake_TheOtherWokenReadStillCompletes()
    {
        var observer = new ThrowOnceObserver();
        var factory = RingFactory.CreateDefault(fileSystem: new MemoryNamespace(), time: new ManualClock(), extraVerbs: []);
        var (ring, kernel) = factory.CreateWithKernel(new RingOptions { Placement = KernelPlacement.InProcess, CqEntries = 64 }, observer);
        using var _ = ring;
        ring.Push(Sqes.Pipe());
        ring.Enter(1, 1);
        ring.TryPop(out var pipe).ShouldBeTrue();
        var readFd = pipe.Result & 0xFFFF_FFFF;
        var writeFd = pipe.Result >> 32;
        var buffer = ring.Memory.Reserve(8);
        ring.Push(Sqes.Read(readFd, buffer, 1, data: 1));
        ring.Push(Sqes.Read(readFd, buffer, 1, data: 2));
        ring.Enter(2, 0);
        kernel.InFlight.ShouldBe(2);
        observer.ThrowOn = 1;
        ring.Push(Sqes.Write(writeFd, buffer, 2, data: 3));
        Should.Throw<Exception>(() => ring.Enter(1, 0));
        ring.Enter(0, 0);
        // Another change of the pipe: a fast READ takes nothing (a byte is there), a 1-byte WRITE adds one.
        ring.Push(Sqes.Write(writeFd, buffer, 1, data: 4));
        ring.Enter(1, 0);
        var seen = new List<ulong>();
        while (ring.TryPop(out var cqe))
        {
            seen.Add(cqe.Data);
        }

        seen.ShouldContain(2UL, $"the second READ was woken with a byte for it; seen: {string.Join(",", seen)}; in flight {kernel.InFlight}");
    }
}
