using VerbRing.Kernel;
using VerbRing.Kernel.Namespaces;
using VerbRing.Kernel.Tracing;
using VerbRing.Tests.Infrastructure;
using VerbRing.Verbs;
using VerbRing.Verbs.Time;

namespace VerbRing.Tests.Contracts;

/// <summary>
/// A ring disposed from inside its own kernel — by a custom verb of the running enter, by an observer, by a verb of
/// a chain a timer resumed, with or without an enter waiting on another thread — closes at once and is torn down as
/// that kernel lets go: every wait ends, the enter it interrupted returns ECANCELED, every descriptor and host handle
/// is closed before that enter returns, and the ring then refuses enters as a disposed ring does. Only kernels that
/// run verbs in the ring owner's process can host such a verb (as in ReentryContract); a server's own sessions are
/// covered by Server/SelfDisposeTests. A test that would hang fails at <see cref="Bound"/> instead (WaitAsync throws).
/// </summary>
public abstract class SelfDisposeContract : KernelContract
{
    /// <summary>How long a call may take before it counts as hung: a bound on a wait, not a sleep.</summary>
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan Ms = TimeSpan.FromMilliseconds(1);

    [Fact]
    public async Task Dispose_FromAVerbOfTheRunningEnter_EndsThatEnterWithEcanceledAfterTheTeardown()
    {
        using var box = new HostBox();
        using var self = SelfDisposingRing.Create(Kernel, box);
        self.HoldOpenFileAndPendingRead(pendingData: 9);
        self.Ring.Push(Sqes.Nop(data: 1));
        self.Ring.Push(Sqes.Create(DisposeVerb.Code, data: 2));
        self.Ring.Push(Sqes.Nop(data: 3));

        // WaitAsync: a hung enter fails the test with a TimeoutException at the bound.
        var result = await Task.Run(() => self.Ring.Enter(3, 3)).WaitAsync(Bound);

        result.ShouldBe(new EnterResult(3, Errno.ECANCELED), "all three consumed; the ring is gone when it returns");
        self.Verb.Returned.ShouldBe(1, "the verb's Dispose calls returned inside the kernel");
        self.Log.Seen.TakeLast(4).ShouldBe(
            [(1UL, Errno.OK), (2UL, Errno.OK), (3UL, Errno.OK), (9UL, Errno.ECANCELED)],
            "what the enter consumed runs out, then the teardown cancels what pends");
        self.ShouldBeTornDown();
    }

    [Fact]
    public async Task Dispose_FromAnObserverThatThenThrows_StillTearsTheRingDown()
    {
        // The observer's exception is its bug and reaches the caller, as any observer's does; the teardown its
        // Dispose deferred runs anyway, before the enter lets go (review of the deferred teardown).
        using var box = new HostBox();
        using var self = SelfDisposingRing.Create(Kernel, box);
        self.HoldOpenFileAndPendingRead(pendingData: 9);
        self.Log.Target = self.Ring;
        self.Log.DisposeOnData = 1;
        self.Log.ThrowAfterDispose = true;
        self.Ring.Push(Sqes.Nop(data: 1));

        var thrown = await Task.Run(() => Record.Exception(() => self.Ring.Enter(1, 1))).WaitAsync(Bound);

        thrown.ShouldNotBeNull().Message.ShouldContain("an observer's bug");
        self.ShouldBeTornDown();
    }

    [Fact]
    public async Task Dispose_FromAnObserverDuringTheEnter_EndsThatEnterWithEcanceledAfterTheTeardown()
    {
        using var box = new HostBox();
        using var self = SelfDisposingRing.Create(Kernel, box);
        self.HoldOpenFileAndPendingRead(pendingData: 9);
        self.Log.Target = self.Ring;
        self.Log.DisposeOnData = 1;
        self.Ring.Push(Sqes.Nop(data: 1));
        self.Ring.Push(Sqes.Nop(data: 2));

        var result = await Task.Run(() => self.Ring.Enter(2, 2)).WaitAsync(Bound);

        result.ShouldBe(new EnterResult(2, Errno.ECANCELED));
        self.Log.Seen.TakeLast(3).ShouldBe([(1UL, Errno.OK), (2UL, Errno.OK), (9UL, Errno.ECANCELED)]);
        self.ShouldBeTornDown();
    }

    [Fact]
    public async Task Dispose_FromAVerbWhoseChainATimerResumed_TearsTheRingDownAsTheCallbackEnds()
    {
        using var box = new HostBox();
        using var self = SelfDisposingRing.Create(Kernel, box);
        self.HoldOpenFileAndPendingRead(pendingData: 9);
        self.Ring.Push(Sqes.Nop(link: SqeLink.Link, data: 1, timeout: 1_000_000));
        self.Ring.Push(Sqes.Create(DisposeVerb.Code, data: 2));
        self.Ring.Enter(2, 0).ShouldBe(new EnterResult(2, Errno.OK));

        await Task.Run(() => self.Clock.Advance(Ms)).WaitAsync(Bound); // the timer callback whose chain disposed the ring returns

        self.Verb.Returned.ShouldBe(1);
        self.Log.Seen.TakeLast(3).ShouldBe([(1UL, Errno.OK), (2UL, Errno.OK), (9UL, Errno.ECANCELED)]);
        self.ShouldBeTornDown();
    }

    [Fact]
    public async Task Dispose_FromATimersChainWhileAnEnterWaitsOnAnotherThread_EndsBothAndTheEnterWithEcanceled()
    {
        // The timer's thread holds the ring's lock while the verb runs; the waiting enter needs that lock to see the
        // ring closing. Waiting there for the enter would wait forever.
        using var box = new HostBox();
        using var self = SelfDisposingRing.Create(Kernel, box);
        self.HoldOpenFileAndPendingRead(pendingData: 9);
        self.Ring.Push(Sqes.Nop(link: SqeLink.Link, data: 1, timeout: 1_000_000));
        self.Ring.Push(Sqes.Create(DisposeVerb.Code, data: 2));
        var enter = Task.Run(() => self.Ring.Enter(2, 2));
        self.Clock.WaitUntilArmed(3, Bound).ShouldBeTrue("the pending READ's, the NOP's and the waiting enter's timers");

        await Task.Run(() => self.Clock.Advance(Ms)).WaitAsync(Bound); // the timer callback returns

        (await enter.WaitAsync(Bound)).ShouldBe(new EnterResult(2, Errno.ECANCELED), "it consumed both; the ring was torn down before it returned");
        self.Verb.Returned.ShouldBe(1);
        self.Log.Seen.TakeLast(3).ShouldBe([(1UL, Errno.OK), (2UL, Errno.OK), (9UL, Errno.ECANCELED)]);
        self.ShouldBeTornDown();
    }

    [Fact]
    public async Task Dispose_FromAVerbOfATracedRing_TheTraceSeesTheRestOfTheEnterAndItsEcanceled()
    {
        // A traced ring's port wraps the kernel's; the region must still be freed only after the teardown (the
        // recorder reads a WRITE's bytes out of user memory as it completes, after the Dispose).
        var verb = new DisposeVerb();
        var recorder = new TraceRecorder();
        var factory = RingFactory.CreateDefault(time: new ManualClock(), extraVerbs: [verb]);
        using var ring = factory.Create(new RingOptions { Placement = Kernel }, recorder);
        recorder.Attach(ring);
        verb.Target = ring;
        ring.Push(Sqes.Pipe());
        ring.Enter(1, 1).ShouldBe(new EnterResult(1, Errno.OK));
        ring.TryPop(out var pipe).ShouldBeTrue();
        var hello = ring.Memory.Put("hello");
        ring.Push(Sqes.Create(DisposeVerb.Code, data: 2));
        ring.Push(Sqes.Write(pipe.Result >> 32, hello, hello.Length, data: 3));

        var result = await Task.Run(() => ring.Enter(2, 2)).WaitAsync(Bound);

        result.ShouldBe(new EnterResult(2, Errno.ECANCELED));
        recorder.Enters[^1].ShouldBe(new TracedEnter(2, 2, 2, Errno.ECANCELED, recorder.Enters[^1].Began, recorder.Enters[^1].Ended));
        var written = recorder.Entries[^1];
        written.Operation.Data.ShouldBe(3UL);
        written.Operation.Error.ShouldBe(Errno.OK);
        System.Text.Encoding.UTF8.GetString(written.Bytes).ShouldBe("hello", "read from user memory after the Dispose, before the teardown");
        Should.Throw<ObjectDisposedException>(() => ring.Enter(0, 0));
    }

    [Fact]
    public async Task Dispose_FromAnotherThreadWhileAVerbRuns_WaitsForThatEnterThenTearsDown()
    {
        // The existing rule, kept: only a Dispose inside the kernel defers; one from elsewhere waits for the enter.
        using var box = new HostBox();
        using var self = SelfDisposingRing.Create(Kernel, box);
        self.HoldOpenFileAndPendingRead(pendingData: 9);
        self.Ring.Push(Sqes.Create(HangVerb.Code, data: 4));
        var enter = Task.Run(() => self.Ring.Enter(1, 1));
        self.Hang.WaitUntilRunning(Bound).ShouldBeTrue("the verb runs, holding the enter");

        var dispose = Task.Run(self.Ring.Dispose);
        SpinWait.SpinUntil(() => self.Kernel.IsClosed, Bound).ShouldBeTrue("Dispose has begun: the ring is closed");

        dispose.IsCompleted.ShouldBeFalse("Dispose waits for the enter running the verb");
        box.OpenHandles().ShouldNotBeEmpty("nothing is torn down under a running verb");
        Should.Throw<ObjectDisposedException>(() => self.Ring.Enter(0, 0), "the ring is closed to new enters");
        var tick = Task.Run(() => self.Clock.Advance(TimeSpan.FromSeconds(2))); // the READ's timeout falls due on a closed ring
        self.Hang.Release();
        (await enter.WaitAsync(Bound)).ShouldBe(new EnterResult(1, Errno.OK), "its wait was met before the teardown");
        await dispose.WaitAsync(Bound);
        await tick.WaitAsync(Bound);
        self.Log.Seen.TakeLast(2).ShouldBe([(4UL, Errno.OK), (9UL, Errno.ECANCELED)], "a timer runs nothing on a closed ring: the teardown cancels");
        self.ShouldBeTornDown();
    }

    /// <summary>
    /// A ring on a host folder whose custom verb (<see cref="DisposeVerb"/>) disposes the ring itself, with an
    /// observer that logs every completion, on the contract's kernel and a manual clock.
    /// </summary>
    private sealed class SelfDisposingRing : IDisposable
    {
        private readonly HostNamespace _files;
        private readonly HostBox _box;

        private SelfDisposingRing(KernelPlacement kind, HostBox box)
        {
            _box = box;
            box.WriteFile("kept.txt", "kept open");
            _files = new HostNamespace(box.Sandbox);
            var factory = RingFactory.CreateDefault(fileSystem: _files, time: Clock, extraVerbs: [Verb, Hang]);
            (Ring, Kernel) = factory.CreateWithKernel(new RingOptions { Placement = kind }, Log);
            Verb.Target = Ring;
        }

        public ManualClock Clock { get; } = new();

        public DisposeVerb Verb { get; } = new();

        public HangVerb Hang { get; } = new();

        public CompletionLog Log { get; } = new();

        public IoRing Ring { get; }

        public RingKernel Kernel { get; }

        public static SelfDisposingRing Create(KernelPlacement kind, HostBox box) => new(kind, box);

        /// <summary>
        /// Opens kept.txt (a host handle this process holds until the ring closes it) and leaves a READ pending on an
        /// empty pipe, with a timeout, so the teardown has a descriptor, a pipe, a timer and an operation to end.
        /// </summary>
        public void HoldOpenFileAndPendingRead(ulong pendingData)
        {
            Ring.Push(Sqes.Open(Ring.Memory.Put("/kept.txt"), OpenFlags.Read));
            Ring.Push(Sqes.Pipe());
            Ring.Enter(2, 2).ShouldBe(new EnterResult(2, Errno.OK));
            Ring.TryPop(out var open).ShouldBeTrue();
            open.Error.ShouldBe(0, "open");
            Ring.TryPop(out var pipe).ShouldBeTrue();
            pipe.Error.ShouldBe(0, "pipe");
            Ring.Push(Sqes.Read(pipe.Result & 0xFFFF_FFFF, Ring.Memory.Reserve(8), 8, data: pendingData, timeout: 1_000_000_000));
            Ring.Enter(1, 0).ShouldBe(new EnterResult(1, Errno.OK));
            _box.OpenHandles().ShouldNotBeEmpty("the OPEN holds a host handle, so the check after the teardown can fail");
            Kernel.OpenDescriptors.ShouldBe(3);
            Kernel.InFlight.ShouldBe(1, "the READ pends");
        }

        /// <summary>Everything the teardown must have ended, and a ring that behaves as a disposed one.</summary>
        public void ShouldBeTornDown()
        {
            _box.OpenHandles().ShouldBeEmpty("the teardown closed the file on the host");
            Kernel.OpenDescriptors.ShouldBe(0, "teardown closes every descriptor");
            Kernel.LivePipes.ShouldBe(0, "no pipe outlives its ring");
            Kernel.InFlight.ShouldBe(0, "nothing pends after the teardown");
            Clock.ArmedTimers.ShouldBe(0, "no timer outlives its ring");
            Should.Throw<ObjectDisposedException>(() => Ring.Enter(0, 0), "a later enter fails as on any disposed ring");
            Should.Throw<ObjectDisposedException>(() => Ring.TryPop(out _), "the CQ went with the region: reading it is refused");
            Kernel.Enter(0, 0).ShouldBe(new EnterResult(0, Errno.EINVAL), "the kernel refuses a closed ring's enter");
            Ring.Dispose(); // a second Dispose, from outside: nothing left to do, and no wait
            Kernel.Dispose();
            Kernel.OpenDescriptors.ShouldBe(0);
        }

        public void Dispose()
        {
            Hang.Dispose(); // releases a verb a failed test left blocked
            Ring.Dispose();
            _files.Dispose();
        }
    }
}
