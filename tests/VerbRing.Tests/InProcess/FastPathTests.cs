using Microsoft.Extensions.Time.Testing;
using VerbRing.Kernel;
using VerbRing.Kernel.Interpreter;
using VerbRing.Kernel.Namespaces;
using VerbRing.Kernel.Tracing;
using VerbRing.Registers;
using VerbRing.Tests.Infrastructure;
using VerbRing.Verbs;
using VerbRing.Verbs.Time;

namespace VerbRing.Tests.InProcess;

/// <summary>
/// The interpreter's fast half (SQEs run straight from the enter's copies, no slot unless one pends or finds the CQ
/// full) is only an optimisation of its one path: random programs — chains that pend on pipes, break, cancel each
/// other, overflow a small CQ and a small limit on waiting operations (EAGAIN), time out — complete exactly alike
/// on the fast half, with every SQE forced onto the slow half, and with an observer watching either. Same enter
/// results, same CQEs in the same order, same registers, same user memory, the same trace, and sound bookkeeping
/// after every step.
/// </summary>
public sealed class FastPathTests
{
    private const int Steps = 40;

    /// <summary>Whether the generator also makes malformed LOOPs (each EINVAL at its first check).</summary>
    private const bool MalformedLoops = true;

    [Fact]
    public void RandomPrograms_CompleteAlikeOnBothHalvesAndUnderAnObserver()
    {
        var consumed = 0L;
        var counts = default(FastPathCounts);
        var loops = default(LoopTally);
        for (var seed = 1; seed <= 150; seed++)
        {
            var run = RunBoth(seed);
            consumed += run.Consumed;
            loops = loops.Plus(run.Loops);
            counts.Taken += run.Counts.Taken;
            counts.CancelledMembers += run.Counts.CancelledMembers;
            counts.Adopted += run.Counts.Adopted;
            counts.QueuedBehind += run.Counts.QueuedBehind;
            counts.Refused += run.Counts.Refused;
            counts.Backlogged += run.Counts.Backlogged;
            counts.HandedOverAtACancel += run.Counts.HandedOverAtACancel;
            counts.HandedOverAfterAWake += run.Counts.HandedOverAfterAWake;
        }

        // The comparison means something only if the fast path ran, and took every one of its exits.
        consumed.ShouldBeGreaterThan(5_000, "the programs were not trivially short");
        counts.Ran.ShouldBeGreaterThan(consumed * 2 / 5, "a large share ran on the fast path (about half: these programs are full of CANCELs and wakes, which hand the rest of their enter over)");
        counts.Adopted.ShouldBeGreaterThan(0, "verbs pended on the fast path");
        counts.QueuedBehind.ShouldBeGreaterThan(0, "chain members waited behind them");
        counts.Refused.ShouldBeGreaterThan(0, "verbs that would have waited past the limit completed with EAGAIN");
        counts.Backlogged.ShouldBeGreaterThan(0, "completions found the CQ full");
        counts.HandedOverAtACancel.ShouldBeGreaterThan(0, "CANCELs took the rest of an enter to the slow half");
        counts.HandedOverAfterAWake.ShouldBeGreaterThan(0, "wakes took the rest of an enter to the slow half");

        // And issue 19's flags and verbs were in them: loops that iterated, hit their bound, were malformed; quiet successes.
        loops.Iterated.ShouldBeGreaterThan(0, "LOOPs ran iterations and ended on their condition");
        loops.Bounded.ShouldBeGreaterThan(0, "LOOPs reached their bound (ELOOP)");
        loops.Malformed.ShouldBeGreaterThan(0, "malformed LOOPs were EINVAL");
        loops.Unposted.ShouldBeGreaterThan(0, "quiet successes posted nothing");
    }

    /// <summary>What the LOOP CQEs of the random programs showed, and how many consumed SQEs posted no CQE.</summary>
    private readonly record struct LoopTally(int Iterated, int Bounded, int Malformed, long Unposted)
    {
        public LoopTally Plus(LoopTally other) =>
            new(Iterated + other.Iterated, Bounded + other.Bounded, Malformed + other.Malformed, Unposted + other.Unposted);
    }

    [Theory]
    [InlineData(true, new[] { 0, 0, 0 })]
    [InlineData(false, new[] { 3, 2, 1 })]
    public void FastPath_RunsWhatCompletesAtOnceWithoutASlot(bool fastPath, int[] inFlightWhileRunning)
    {
        var probe = new ProbeVerb();
        using var ring = Kernels.Create(KernelPlacement.InProcess, new RingOptions(), new MemoryNamespace(), new ManualClock(), [probe]);
        ring.FastPath.ShouldBeTrue("on by default");
        ring.FastPath = fastPath;
        probe.Probe = () => ring.InFlight;

        // On the slow half the three are queued in slots before the first runs, and each frees its slot as it
        // completes; on the fast path none of them ever holds one.
        ring.Run(Sqes.Create(ProbeVerb.Code, data: 1), Sqes.Create(ProbeVerb.Code, data: 2), Sqes.Create(ProbeVerb.Code, data: 3))
            .Select(c => (c.Data, c.ErrorCode())).ShouldBe([(1UL, Errno.OK), (2UL, Errno.OK), (3UL, Errno.OK)]);

        probe.Seen.ShouldBe(inFlightWhileRunning);
    }

    [Theory]
    [InlineData(true, false)]
    [InlineData(false, false)]
    [InlineData(true, true)]
    [InlineData(false, true)]
    public void DrainOnAMemberWhereTheFastHalfHandsOver_IsEinvalOnBothHalves(bool fastPath, bool loop)
    {
        // The fast half hands the rest of an enter to the slow half at a CANCEL or a LOOP, even mid-chain; the SQE
        // it hands over is still a member of its chain, so a DRAIN on it is EINVAL (it used to run as a drain head).
        using var ring = Kernels.Create(KernelPlacement.InProcess, new RingOptions(), new MemoryNamespace(), new ManualClock(), []);
        ring.FastPath = fastPath;
        var member = loop ? Sqes.Loop(Operand.Load(Reg.R3), LoopCompare.Ne, 0, 1, 1, data: 2) : Sqes.Cancel(99, data: 2, link: SqeLink.Link);
        (uint, ulong, Errno) einval = ((uint)(loop ? Op.Loop : Op.Cancel), 2UL, Errno.EINVAL);
        (uint, ulong, Errno) cancelled = ((uint)Op.Nop, 3UL, Errno.ECANCELED); // after a CANCEL by LINK; a LOOP's body before it
        ring.Run(Sqes.Nop(link: SqeLink.Link, data: 1), member.WithDrain(), Sqes.Nop(data: 3).WithSkipSuccess())
            .Select(c => (c.Op, c.Data, c.ErrorCode()))
            .ShouldBe([((uint)Op.Nop, 1UL, Errno.OK), loop ? cancelled : einval, loop ? einval : cancelled]);
    }

    [Fact]
    public void VerbThatThrows_IsTracedAlikeOnBothPaths_WithTheArgumentsItWasGiven()
    {
        // The fast path guards verbs once per enter, not per verb: a throw unwinds the loop, which resumes after it.
        var traces = new List<List<TracedOperation>>();
        foreach (var fastPath in new[] { true, false })
        {
            var recorder = new TraceRecorder();
            var factory = RingFactory.CreateDefault(fileSystem: new MemoryNamespace(), time: new FakeTimeProvider(), extraVerbs: [new ThrowingVerb()]);
            var (ring, kernel) = factory.CreateWithKernel(new RingOptions(), recorder);
            using (ring)
            {
                recorder.Attach(ring);
                kernel.FastPath = fastPath;
                ring.Registers[2] = 42;
                ring.Push(Sqes.Nop(save: Reg.R1, data: 1));
                ring.Push(Sqes.Create(ThrowingVerb.Code, Operand.Load(Reg.R2), 7, save: Reg.R1, link: SqeLink.Link, data: 2));
                ring.Push(Sqes.Nop(data: 3));
                ring.Push(Sqes.Create(ThrowingVerb.Code, data: 4, link: SqeLink.HardLink));
                ring.Push(Sqes.Nop(data: 5));
                ring.Enter(5, 5).ShouldBe(new EnterResult(5, Errno.OK));
                ring.Registers[1].ShouldBe(Abi.Err, "the throwing verb saved ERR");
                kernel.FindInconsistencies().ShouldBeEmpty();
                kernel.InFlight.ShouldBe(0);
            }

            traces.Add(recorder.Entries.Select(e => e.Operation).ToList());
        }

        traces[0].Select(t => (t.Data, t.Error, t.Outcome)).ShouldBe(
            [(1UL, Errno.OK, TracedOutcome.Ran), (2UL, Errno.EIO, TracedOutcome.Ran), (3UL, Errno.ECANCELED, TracedOutcome.Cancelled),
             (4UL, Errno.EIO, TracedOutcome.Ran), (5UL, Errno.OK, TracedOutcome.Ran)]);
        traces[0][1].Arg0.ShouldBe(42UL, "the trace shows the argument as loaded from r2");
        traces[0].ShouldBe(traces[1]);
    }

    [Fact]
    public void Teardown_CompletesWhatIsLeftOldestFirst_WhereverItsSlotsLie()
    {
        var recorder = new TraceRecorder();
        var factory = RingFactory.CreateDefault(fileSystem: new MemoryNamespace(), time: new FakeTimeProvider());
        var (ring, _) = factory.CreateWithKernel(new RingOptions(), recorder);
        using (ring)
        {
            recorder.Attach(ring);
            ring.Push(Sqes.Pipe(save: Reg.R0));
            ring.Push(Sqes.Read(Operand.Load(Reg.R0, LoadModifier.Low32), ring.Memory.Reserve(4).Address, 4, data: 5));
            ring.Push(Sqes.Nop(data: 7, timeout: 1_000_000_000));
            ring.Enter(3, 1).ShouldBe(new EnterResult(3, Errno.OK));
            ring.Push(Sqes.Cancel(5, data: 100));
            ring.Enter(1, 0).Consumed.ShouldBe(1u);

            // The POLL is consumed after the NOP but takes the lower slot the cancelled READ left free.
            ring.Push(Sqes.Poll(Operand.Load(Reg.R0, LoadModifier.Low32), (ulong)PollEvents.Read, data: 8));
            ring.Enter(1, 0).Consumed.ShouldBe(1u);
            recorder.Clear();
        }

        recorder.Entries.Select(e => (e.Operation.Data, e.Operation.Error)).ShouldBe([(7UL, Errno.ECANCELED), (8UL, Errno.ECANCELED)]);
    }

    [Fact]
    public void ThousandsPendingOnAnEightEntryRing_GrowThePoolAndRefusePastTheLimitAlikeOnBothPaths()
    {
        // Chains that pend (POLL → NOP), lone POLLs and sleeps, far past the pool's first chunk of eight slots and
        // then past a limit of 1 000 waiting operations: both paths grow alike, refuse the same SQEs with EAGAIN
        // (cancelling the same successors), and complete the same way once a CANCEL and a WRITE end it all.
        var options = new RingOptions { SqEntries = 8, CqEntries = 8, MaxInFlight = 1000 };
        using var fast = Ring(options, fastPath: true);
        using var general = Ring(options, fastPath: false);
        var message = fast.Put("x");
        general.Put("x").Address.ShouldBe(message.Address);
        Both(fast, general, [Sqes.Pipe(save: Reg.R0)], "the pipe");
        var peak = 0;
        for (var round = 0; round < 200; round++)
        {
            var tag = (ulong)(round % 7);
            Both(fast, general, [
                Sqes.Poll(Reg.R0.Low, PollEvents.Read, link: SqeLink.Link, data: tag),
                Sqes.Nop(data: tag),
                Sqes.Poll(Reg.R0.Low, PollEvents.Read, link: SqeLink.HardLink, data: tag),
                Sqes.Nop(data: tag, timeout: 60_000_000_000),
                Sqes.Poll(Reg.R0.Low, PollEvents.Read, data: tag),
                Sqes.Poll(Reg.R0.Low, PollEvents.Read, link: SqeLink.Link, data: tag),
                Sqes.Nop(link: SqeLink.Link, data: tag),
                Sqes.Nop(data: tag)], $"round {round}");
            peak = Math.Max(peak, fast.InFlight);
        }

        peak.ShouldBeGreaterThanOrEqualTo(1000, "the pool grew far past its first eight slots, up to the limit");
        fast.FastPathCounts.Refused.ShouldBeGreaterThan(0, "the limit of waiting operations was reached");
        Both(fast, general, [Sqes.Cancel(3, data: 100), Sqes.Write(Reg.R0.High, message, 1, data: 101)], "the CANCEL and the WRITE");
        for (var i = 0; fast.InFlight > 0 && i < 10_000; i++)
        {
            Both(fast, general, [], "draining");
        }

        fast.Clock.Advance(TimeSpan.FromMinutes(1));
        general.Clock.Advance(TimeSpan.FromMinutes(1));
        Compare(fast, [general], reap: int.MaxValue, "the sleeps");
        for (var i = 0; fast.InFlight > 0 && i < 10_000; i++)
        {
            Both(fast, general, [], "draining the sleeps");
        }

        fast.InFlight.ShouldBe(0);
    }

    /// <summary>Pushes <paramref name="sqes"/> into both rings, enters both for all of them, and compares everything.</summary>
    private static void Both(RingHarness fast, RingHarness general, Sqe[] sqes, string context)
    {
        foreach (var sqe in sqes)
        {
            fast.Ring.Push(sqe);
            general.Ring.Push(sqe);
        }

        var entered = fast.Ring.Enter((uint)sqes.Length, 0);
        general.Ring.Enter((uint)sqes.Length, 0).ShouldBe(entered, context);
        entered.Consumed.ShouldBe((uint)sqes.Length, context);
        Compare(fast, [general], reap: 8, context);
    }

    private static (long Consumed, FastPathCounts Counts, LoopTally Loops) RunBoth(int seed)
    {
        // The fast half unobserved (the path the benchmarks measure), the slow half and the fast half observed.
        var random = new Random(seed);
        var options = new RingOptions
        {
            SqEntries = 16,
            CqEntries = random.Next(2) == 0 ? 4u : 32u,
            MaxInFlight = random.Next(2) == 0 ? 6 : 0,
            MaxDescriptors = 8,
            PipeCapacity = 16,
        };
        using var fast = Ring(options, fastPath: true);
        var generalTrace = new TraceRecorder();
        var fastTrace = new TraceRecorder();
        using var general = Ring(options, fastPath: false, generalTrace);
        using var observed = Ring(options, fastPath: true, fastTrace);
        var program = new ProgramMaker(random, fast, general, observed);
        var consumed = 0L;
        var posted = new List<(uint Op, int Error, ulong Data, ulong Result)>();
        for (var step = 0; step < Steps; step++)
        {
            var context = $"seed {seed}, step {step}";
            var batch = program.Batch(room: (int)(options.SqEntries - fast.Ring.SqPending));
            foreach (var sqe in batch)
            {
                fast.Ring.Push(sqe);
                general.Ring.Push(sqe);
                observed.Ring.Push(sqe);
            }

            var amount = (uint)random.Next(0, (int)fast.Ring.SqPending + 3);
            var entered = fast.Ring.Enter(amount, 0);
            general.Ring.Enter(amount, 0).ShouldBe(entered, context);
            observed.Ring.Enter(amount, 0).ShouldBe(entered, context + " (observed)");
            consumed += entered.Consumed;
            var reap = random.Next(0, 12);
            posted.AddRange(Compare(fast, [general, observed], reap, context));

            if (random.Next(4) == 0)
            {
                var by = TimeSpan.FromMilliseconds(random.Next(1, 8));
                fast.Clock.Advance(by);
                general.Clock.Advance(by);
                observed.Clock.Advance(by);
                reap = random.Next(0, 12);
                posted.AddRange(Compare(fast, [general, observed], reap, context + " after the clock moved"));
            }
        }

        posted.AddRange(Compare(fast, [general, observed], reap: int.MaxValue, $"seed {seed}: what was left in the CQ"));
        var memory = fast.Ring.Memory.At(program.Buffer.Address, program.Buffer.Length).ToArray();
        general.Ring.Memory.At(program.Buffer.Address, program.Buffer.Length).ToArray().ShouldBe(memory, $"seed {seed}: user memory");
        observed.Ring.Memory.At(program.Buffer.Address, program.Buffer.Length).ToArray().ShouldBe(memory, $"seed {seed}: user memory (observed)");
        generalTrace.Entries.Count.ShouldBeGreaterThan(0, $"seed {seed}: the observer saw the completions");
        fastTrace.Entries.Select(e => e.Operation).ShouldBe(generalTrace.Entries.Select(e => e.Operation), $"seed {seed}: the trace");
        var loops = posted.Where(c => c.Op == (uint)Op.Loop).ToList();
        var tally = new LoopTally(
            loops.Count(c => c.Error == 0 && c.Result > 0), loops.Count(c => c.Error == (int)Errno.ELOOP),
            loops.Count(c => c.Error == (int)Errno.EINVAL), consumed - posted.Count);
        return (consumed, fast.FastPathCounts, tally);
    }

    /// <summary>Reaps up to <paramref name="reap"/> CQEs from each ring and compares them, the registers, what is in flight, and the bookkeeping.</summary>
    private static List<(uint Op, int Error, ulong Data, ulong Result)> Compare(RingHarness fast, RingHarness[] others, int reap, string context)
    {
        var cqes = Pop(fast, reap);
        fast.FindKernelInconsistencies().ShouldBeEmpty(context);
        foreach (var other in others)
        {
            Pop(other, reap).ShouldBe(cqes, context);
            for (var r = 0; r < 7; r++)
            {
                other.Registers[r].ShouldBe(fast.Registers[r], $"{context}: r{r}");
            }

            other.InFlight.ShouldBe(fast.InFlight, context);
            other.FindKernelInconsistencies().ShouldBeEmpty(context);
        }

        return cqes;
    }

    private static List<(uint Op, int Error, ulong Data, ulong Result)> Pop(RingHarness ring, int count)
    {
        var cqes = new List<(uint, int, ulong, ulong)>();
        while (cqes.Count < count && ring.Ring.TryPop(out var cqe))
        {
            cqes.Add((cqe.Op, cqe.Error, cqe.Data, cqe.Result));
        }

        return cqes;
    }

    private static RingHarness Ring(RingOptions options, bool fastPath, TraceRecorder? observer = null)
    {
        if (observer is null)
        {
            var plain = Kernels.Create(KernelPlacement.InProcess, options, new MemoryNamespace(), new ManualClock(), [new ThrowingVerb()]);
            plain.FastPath = fastPath;
            return plain;
        }

        var files = new MemoryNamespace();
        var clock = new ManualClock();
        var factory = RingFactory.CreateDefault(fileSystem: files, time: clock, extraVerbs: [new ThrowingVerb()]);
        var (ring, kernel) = factory.CreateWithKernel(options, observer);
        observer.Attach(ring);
        var harness = new RingHarness(ring, kernel, files, clock) { FastPath = fastPath };
        return harness;
    }

    /// <summary>Random SQEs over a few paths, a buffer, pipes and registers; both rings get the same user memory.</summary>
    private sealed class ProgramMaker
    {
        private static readonly string[] Paths = ["/a", "/b", "/dir/c"];
        private static readonly Reg[] Registers = [Reg.R0, Reg.R1, Reg.R2];
        private static readonly Reg[] LoopRegisters = [Reg.R1, Reg.R3, Reg.R3, Reg.R5];
        private readonly Random _random;
        private readonly UserBuffer[] _paths;

        public ProgramMaker(Random random, RingHarness first, params RingHarness[] others)
        {
            _random = random;
            _paths = Paths.Select(p => first.Put(p)).ToArray();
            Buffer = first.Put("0123456789abcdefghijklmnopqrstuvwxyz");
            foreach (var other in others)
            {
                Paths.Select(p => other.Put(p)).Select(b => b.Address).ShouldBe(_paths.Select(b => b.Address));
                other.Put("0123456789abcdefghijklmnopqrstuvwxyz").Address.ShouldBe(Buffer.Address);
            }
        }

        public UserBuffer Buffer { get; }

        public Sqe[] Batch(int room)
        {
            var length = _random.Next(0, Math.Max(0, room) + 1);
            var sqes = new List<Sqe>(length);
            while (sqes.Count < length)
            {
                // A LOOP with its body when it fits (an enter may still split it: then it is malformed too).
                var head = sqes.Count == 0 || !SqeFlags.IsLinked(sqes[^1].Flags);
                if (length - sqes.Count >= 2 && _random.Next(20) == 0)
                {
                    sqes.AddRange(Loop(length - sqes.Count - 1));
                    continue;
                }

                var sqe = Next();
                if (_random.Next(4) == 0)
                {
                    sqe = sqe.WithSkipSuccess();
                }

                // DRAIN on some chain heads; rarely on a member, which is EINVAL.
                if (_random.Next(head ? 12 : 40) == 0)
                {
                    sqe = sqe.WithDrain();
                }

                sqes.Add(sqe);
            }

            return sqes.ToArray();
        }

        /// <summary>
        /// A LOOP and its body of 1–3 quiet steps (ADD, NOP, READ), bound 1–20, its condition on a register the body
        /// may count with ADD; now and then malformed in one way the spec calls EINVAL.
        /// </summary>
        private List<Sqe> Loop(int room)
        {
            var counter = LoopRegisters[_random.Next(LoopRegisters.Length)];
            var body = _random.Next(1, Math.Min(3, room) + 1);
            var compare = (LoopCompare)_random.Next(1, 7);
            var bound = (ulong)_random.Next(1, 21);
            var loop = Sqes.Loop(
                Operand.Load(counter), compare, (ulong)_random.Next(0, 12), bound, (ulong)body,
                save: _random.Next(3) == 0 ? Reg.None : Registers[_random.Next(3)],
                link: _random.Next(3) == 0 ? SqeLink.HardLink : SqeLink.Link, data: (ulong)_random.Next(1, 9),
                timeout: _random.Next(6) == 0 ? (ulong)_random.Next(1, 4) * 1_000_000 : 0);
            var sqes = new List<Sqe> { loop };
            for (var i = 0; i < body; i++)
            {
                var link = i < body - 1 ? (_random.Next(3) == 0 ? SqeLink.HardLink : SqeLink.Link) : (SqeLink)_random.Next(3);
                var data = (ulong)_random.Next(1, 9);
                var step = _random.Next(3) switch
                {
                    0 => Sqes.Add(Operand.Load(counter), (ulong)_random.Next(0, 3), save: counter, link: link, data: data),
                    1 => Sqes.Nop(save: _random.Next(2) == 0 ? Reg.None : Reg.R3, link: link, data: data),
                    _ => Sqes.Read(Fd(), Buffer.Address + (ulong)_random.Next(0, 20), (ulong)_random.Next(0, 8), save: Reg.R4, link: link, data: data),
                };
                sqes.Add(step.WithSkipSuccess());
            }

            if (MalformedLoops && _random.Next(8) == 0)
            {
                var kind = _random.Next(7);
                var step = kind < 4 ? 0 : _random.Next(1, sqes.Count);
                var linkBits = sqes[step].Flags & (SqeFlags.Link | SqeFlags.HardLink);
                var inner = Sqes.Loop(Operand.Load(counter), LoopCompare.Ne, 0, 2, 1, link: SqeLink.None).WithSkipSuccess();
                sqes[step] = kind switch
                {
                    0 => loop with { Arg3 = 0 }, // a bound of 0
                    1 => loop with { Arg3 = Abi.MaxLoopIterations + 1 }, // past the bound's limit
                    2 => loop with { Arg4 = 0 }, // no body
                    3 => loop with { Flags = loop.Flags & ~(SqeFlags.Link | SqeFlags.HardLink) }, // not linked to its body
                    4 => sqes[step] with { Flags = sqes[step].Flags & ~SqeFlags.SkipSuccess }, // a loud body step
                    5 => sqes[step].WithDrain(), // a body step with DRAIN
                    _ => inner with { Flags = inner.Flags | linkBits }, // a nested LOOP
                };
            }

            return sqes;
        }

        private Sqe Next()
        {
            var data = (ulong)_random.Next(1, 9);
            var save = _random.Next(3) == 0 ? Reg.None : Registers[_random.Next(3)];
            var link = (SqeLink)_random.Next(3);
            var timeout = _random.Next(5) == 0 ? (ulong)_random.Next(1, 6) * 1_000_000 : 0;
            var sqe = _random.Next(14) switch
            {
                0 => Sqes.Nop(save, link, data, timeout),
                1 => Sqes.Pipe(save, link, data, timeout),
                2 => Sqes.Open(_paths[_random.Next(_paths.Length)], OpenFlags.Read | OpenFlags.Write | OpenFlags.Create, save: save, link: link, data: data),
                3 => Sqes.Read(Fd(), Buffer.Address + (ulong)_random.Next(0, 20), (ulong)_random.Next(0, 24), save: save, link: link, data: data, timeout: timeout),
                4 => Sqes.Write(Fd(), Buffer.Address + (ulong)_random.Next(0, 20), (ulong)_random.Next(0, 24), save: save, link: link, data: data, timeout: timeout),
                5 => Sqes.Seek(Fd(), _random.Next(0, 30), Whence.Set, save, link, data),
                6 => Sqes.Close(Fd(), save, link, data),
                7 => Sqes.Poll(Fd(), (ulong)_random.Next(1, 4), save, link, data, timeout),
                8 => Sqes.Cancel((ulong)_random.Next(1, 9), (ulong)_random.Next(3), save, link, data), // mode 0 is invalid, 1 ALL, 2 ANY
                9 => Sqes.Fsync(Fd(), save, link, data),
                10 => Sqes.Create(77, save: save, link: link, data: data), // an unknown op
                11 => Sqes.Create(ThrowingVerb.Code, save: save, link: link, data: data), // a verb with a bug: EIO
                12 => Sqes.Add(_random.Next(2) == 0 ? Operand.Load(Registers[_random.Next(3)]) : (ulong)_random.Next(0, 6), _random.Next(2) == 0 ? Operand.Load(Reg.R3) : (ulong)_random.Next(0, 3), save == Reg.None ? Reg.R3 : save, link, data, timeout),
                _ => Sqes.Nop(save, link, data) with { Flags = Sqes.Nop(save, link, data).Flags | (1u << 25) }, // a reserved bit
            };
            return sqe;
        }

        private Operand Fd() => _random.Next(4) switch
        {
            0 => (ulong)_random.Next(0, 6),
            1 => Operand.Load(Registers[_random.Next(3)], LoadModifier.Low32),
            2 => Operand.Load(Registers[_random.Next(3)], LoadModifier.High32),
            _ => Operand.Load(Registers[_random.Next(3)]),
        };
    }

    /// <summary>A verb that records what <see cref="Probe"/> says while it runs.</summary>
    private sealed class ProbeVerb : IVerbHandler
    {
        public const uint Code = 150;

        public Func<int>? Probe { get; set; }

        public List<int> Seen { get; } = [];

        public uint Op => Code;

        public string Name => "PROBE";

        public VerbResult Execute(in VerbCall call)
        {
            Seen.Add(Probe!());
            return VerbResult.Ok(0);
        }
    }
}
