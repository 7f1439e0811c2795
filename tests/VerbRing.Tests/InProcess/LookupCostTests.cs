using VerbRing.Kernel;
using VerbRing.Kernel.Namespaces;
using VerbRing.Registers;
using VerbRing.Tests.Infrastructure;
using VerbRing.Verbs;
using VerbRing.Verbs.Time;

namespace VerbRing.Tests.InProcess;

/// <summary>
/// What user space can make one enter cost: DRAIN's release check (after every completion while a DRAIN head waits)
/// and CANCEL's lookup (once per CANCEL) look at work in proportion to what they find, never at the whole pool
/// each time — with N operations in flight, N completions or N CANCELs visit O(N) entries, not N². Counted by the
/// kernel's own look-up counters (no timing), on both halves of the interpreter.
/// </summary>
public sealed class LookupCostTests
{
    private const int N = 2_000;
    private const ulong DrainTag = 1_000_000;
    private const ulong WriteTag = 2_000_000;
    private const ulong CancelTag = 3_000_000;
    private const ulong PollTag = 4_000_000;
    private const ulong ReadTag = 5_000_000;

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Drain_BehindNPendingReadsCompletedOneByOne_VisitsLinearlyManyEntries(bool fastPath)
    {
        using var ring = Ring(fastPath, cqEntries: 4096);
        var buffer = ring.Reserve(8);
        ring.Pipe(Reg.R0);
        ring.Submit(Reads(buffer, tag: i => (ulong)i)).ShouldBeEmpty("every READ pends on the empty pipe");
        ring.Submit(Sqes.Nop(data: DrainTag).WithDrain()).ShouldBeEmpty("the DRAIN waits behind the READs");
        var before = ring.LookupCounts.DrainVisits;

        var completed = new List<Cqe>();
        for (var i = 0; i < N; i++)
        {
            completed.AddRange(ring.Submit(Sqes.Write(Reg.R0.High, buffer, 1, data: WriteTag + (ulong)i)));
            ring.FindKernelInconsistencies().ShouldBeEmpty();
        }

        var reads = completed.Where(c => c.Data < N).ToList();
        reads.Count.ShouldBe(N, "every write fed one READ");
        reads.ShouldAllBe(c => c.Error == 0 && c.Result == 1);
        completed.Last().Data.ShouldBe(DrainTag, "the DRAIN completed last, after every READ");
        completed.Count(c => c.Data == DrainTag).ShouldBe(1);

        var visits = ring.LookupCounts.DrainVisits - before;
        visits.ShouldBeGreaterThanOrEqualTo(N, "the held DRAIN was checked after every completion");
        visits.ShouldBeLessThanOrEqualTo(4L * N, "N completions behind a DRAIN cost O(N) visits, not one walk of the pool each");
        ring.InFlight.ShouldBe(0);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Cancel_NCancelsOfNDistinctPendingReads_VisitLinearlyManySlots(bool fastPath)
    {
        using var ring = Ring(fastPath, cqEntries: 4096);
        var buffer = ring.Reserve(8);
        ring.Pipe(Reg.R0);
        ring.Submit(Reads(buffer, tag: i => (ulong)i)).ShouldBeEmpty("every READ pends on the empty pipe");
        var before = ring.LookupCounts.CancelVisits;

        var cqes = ring.Submit(Enumerable.Range(0, N).Select(i => Sqes.Cancel((ulong)i, data: CancelTag + (ulong)i)).ToArray());

        cqes.Where(c => c.Data >= CancelTag).ShouldAllBe(c => c.Error == 0 && c.Result == 1);
        cqes.Where(c => c.Data < N).Select(c => c.Data).ShouldBe(Enumerable.Range(0, N).Select(i => (ulong)i), "each READ cancelled by its CANCEL, in order");
        cqes.Where(c => c.Data < N).ShouldAllBe(c => c.Error == (int)Errno.ECANCELED);
        var visits = ring.LookupCounts.CancelVisits - before;
        visits.ShouldBeGreaterThanOrEqualTo(N, "each CANCEL looked at its READ");
        visits.ShouldBeLessThanOrEqualTo(4L * N, "N CANCELs cost O(N) visits, not one walk of the pool each");
        ring.FindKernelInconsistencies().ShouldBeEmpty();
        ring.InFlight.ShouldBe(0);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void CancelAny_NCancelsOfOneTagWithTheCqFull_VisitLinearlyManySlots(bool fastPath)
    {
        // Every READ has the same data, and each cancelled one waits in the backlog (a full CQ) still holding it.
        using var ring = Ring(fastPath, cqEntries: 64);
        var buffer = ring.Reserve(8);
        ring.Pipe(Reg.R0);
        ring.Submit(Reads(buffer, tag: _ => 7)).ShouldBeEmpty("every READ pends on the empty pipe");
        var before = ring.LookupCounts.CancelVisits;

        foreach (var cancel in Enumerable.Range(0, N).Select(_ => Sqes.Cancel(7, (ulong)CancelMode.Any, data: CancelTag)))
        {
            ring.Ring.Push(cancel);
        }

        ring.Ring.Enter(N, 0).ShouldBe(new EnterResult(N, Errno.OK));
        var visits = ring.LookupCounts.CancelVisits - before;
        var cqes = new List<Cqe>();
        while (cqes.Count < 2 * N)
        {
            var popped = ring.PopAll();
            popped.ShouldNotBeEmpty("the backlog flows into the CQ as it is reaped");
            cqes.AddRange(popped);
            ring.Ring.Enter(0, 0); // flushes the backlog into the CQ slots just freed
        }

        cqes.Where(c => c.Data == CancelTag).ShouldAllBe(c => c.Error == 0 && c.Result == 1, "each CANCEL found one READ");
        cqes.Count(c => c.Data == 7 && c.Error == (int)Errno.ECANCELED).ShouldBe(N);
        visits.ShouldBeGreaterThanOrEqualTo(N, "each CANCEL looked at a READ");
        visits.ShouldBeLessThanOrEqualTo(4L * N, "N CANCELs cost O(N) visits though the cancelled READs still hold their slots");
        ring.FindKernelInconsistencies().ShouldBeEmpty();
        ring.InFlight.ShouldBe(0);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Wake_NOneByteWritesInOneEnterAgainstNParkedReads_RetriesLinearlyMany(bool fastPath)
    {
        using var ring = Ring(fastPath, cqEntries: 8192);
        var buffer = ring.Reserve(8);
        ring.Pipe(Reg.R0);
        ring.Submit(Reads(buffer, tag: i => (ulong)i)).ShouldBeEmpty("every READ pends on the empty pipe");
        var before = ring.LookupCounts;

        var cqes = ring.Submit(Enumerable.Range(0, N).Select(i => Sqes.Write(Reg.R0.High, buffer, 1, data: WriteTag + (ulong)i)).ToArray());

        // Each WRITE completes, then the READ that parked first among those left takes its byte, right after it.
        var expected = Enumerable.Range(0, N).SelectMany(i => new[] { WriteTag + (ulong)i, (ulong)i });
        cqes.Select(c => c.Data).ShouldBe(expected);
        cqes.ShouldAllBe(c => c.Error == 0 && c.Result == 1);
        var after = ring.LookupCounts;
        var retries = after.WakeRetries - before.WakeRetries;
        var visits = after.WakeVisits - before.WakeVisits;
        retries.ShouldBeGreaterThanOrEqualTo(N, "each READ was retried when its byte came");
        (retries + visits).ShouldBeLessThanOrEqualTo(4L * N, "N writes against N parked READs cost O(N) retries, not a retry of every READ at each write");
        ring.FindKernelInconsistencies().ShouldBeEmpty();
        ring.InFlight.ShouldBe(0);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Wake_NOneByteWritesEachFeedingAReadParkedBehindNPollsForAClose_VisitsLinearlyMany(bool fastPath)
    {
        // Each WRITE feeds the READ before it, and the READ after it parks behind the POLLs, which the READ's own
        // wake put back at the back: without skipping them, every WRITE looks at every POLL.
        using var ring = Ring(fastPath, cqEntries: 8192);
        var buffer = ring.Reserve(8);
        ring.Pipe(Reg.R0);
        ring.Submit(Enumerable.Range(0, N).Select(i => Sqes.Poll(Reg.R0.Low, (ulong)PollEvents.Write, data: PollTag + (ulong)i)).ToArray())
            .ShouldBeEmpty("a read end is never ready to write: each POLL waits for a close");
        ring.Submit(Sqes.Read(Reg.R0.Low, buffer, 1, data: 0)).ShouldBeEmpty();
        var before = ring.LookupCounts;

        var cqes = ring.Submit(Enumerable.Range(0, N)
            .SelectMany(i => new[] { Sqes.Write(Reg.R0.High, buffer, 1, data: WriteTag + (ulong)i), Sqes.Read(Reg.R0.Low, buffer, 1, data: (ulong)i + 1) })
            .ToArray());

        cqes.Select(c => c.Data).ShouldBe(Enumerable.Range(0, N).SelectMany(i => new[] { WriteTag + (ulong)i, (ulong)i }));
        var after = ring.LookupCounts;
        (after.WakeRetries - before.WakeRetries).ShouldBe(N, "only the READs were retried, each once");
        (after.WakeVisits - before.WakeVisits).ShouldBeLessThanOrEqualTo(3L * N, "the POLLs are passed over, not looked at by every write");
        var closed = ring.Submit(Sqes.Close(Reg.R0.High));
        closed.Count(c => c.Data >= PollTag && c.Result == (ulong)PollEvents.Hup).ShouldBe(N, "the close ends every POLL");
        ring.FindKernelInconsistencies().ShouldBeEmpty();
        ring.InFlight.ShouldBe(0);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Wake_OneByteReadsAgainstNWritesParkedOnAFullPipe_RetriesLinearlyMany(bool fastPath)
    {
        using var ring = Ring(fastPath, cqEntries: 8192, pipeCapacity: 2);
        var buffer = ring.Reserve(8);
        ring.Pipe(Reg.R0);
        ring.Submit(Sqes.Write(Reg.R0.High, buffer, 2)).ShouldHaveSingleItem().Result.ShouldBe(2UL);
        ring.Submit(Enumerable.Range(0, N).Select(i => Sqes.Write(Reg.R0.High, buffer, 2, data: (ulong)i)).ToArray())
            .ShouldBeEmpty("each WRITE waits for room for both its bytes");
        var before = ring.LookupCounts;

        var cqes = ring.Submit(Enumerable.Range(0, 2 * N).Select(i => Sqes.Read(Reg.R0.Low, buffer, 1, data: ReadTag + (ulong)i)).ToArray());

        cqes.Where(c => c.Data < N).Select(c => c.Data).ShouldBe(Enumerable.Range(0, N).Select(i => (ulong)i), "the WRITEs finish in the order they parked");
        cqes.Count(c => c.Data >= ReadTag).ShouldBe(2 * N);
        var after = ring.LookupCounts;
        var retries = after.WakeRetries - before.WakeRetries;
        retries.ShouldBe(N, "a WRITE is retried only when there is room for it");
        (retries + after.WakeVisits - before.WakeVisits).ShouldBeLessThanOrEqualTo(4L * N);
        ring.FindKernelInconsistencies().ShouldBeEmpty();
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Wake_OneByteReadsAgainstNFullSizeWritesBehindAPollForRoom_RetriesLinearlyMany(bool fastPath)
    {
        // The POLL needs one byte of room, each WRITE all four: once the POLL is gone, a read that frees less than
        // four bytes must not look at every WRITE.
        using var ring = Ring(fastPath, cqEntries: 8192, pipeCapacity: 4);
        var buffer = ring.Reserve(8);
        ring.Pipe(Reg.R0);
        ring.Submit(Sqes.Write(Reg.R0.High, buffer, 4)).ShouldHaveSingleItem().Result.ShouldBe(4UL);
        ring.Submit(Sqes.Poll(Reg.R0.High, (ulong)PollEvents.Write, data: PollTag)).ShouldBeEmpty("the pipe is full");
        ring.Submit(Enumerable.Range(0, N).Select(i => Sqes.Write(Reg.R0.High, buffer, 4, data: (ulong)i)).ToArray())
            .ShouldBeEmpty("each WRITE waits for room for all four bytes");
        var before = ring.LookupCounts;

        var cqes = Enumerable.Range(0, 2).SelectMany(half => ring.Submit(
            Enumerable.Range(half * 2 * N, 2 * N).Select(i => Sqes.Read(Reg.R0.Low, buffer, 1, data: ReadTag + (ulong)i)).ToArray())).ToList();

        cqes.Where(c => c.Data < N).Select(c => c.Data).ShouldBe(Enumerable.Range(0, N).Select(i => (ulong)i), "each four reads make room for the next WRITE");
        cqes.Count(c => c.Data == PollTag).ShouldBe(1);
        var after = ring.LookupCounts;
        var retries = after.WakeRetries - before.WakeRetries;
        retries.ShouldBe(N + 1, "the POLL and each WRITE were retried once, when there was room for it");
        (retries + after.WakeVisits - before.WakeVisits).ShouldBeLessThanOrEqualTo(4L * N);
        ring.FindKernelInconsistencies().ShouldBeEmpty();
    }

    [Fact]
    public void SlowHalfRents_BehindAReadThatNeverCompletes_AllocateNothingOnceWarm()
    {
        // The consumption order keeps an entry per rent; the READ holds its front for good, so only its compaction
        // in place keeps it from growing with every enter.
        using var ring = Ring(fastPath: false, cqEntries: 64);
        var buffer = ring.Reserve(8);
        ring.Pipe(Reg.R0);
        ring.Submit(Sqes.Read(Reg.R0.Low, buffer, 1, data: 1)).ShouldBeEmpty("the READ pends on the empty pipe");

        void Rounds(int count)
        {
            for (var i = 0; i < count; i++)
            {
                ring.Ring.Push(Sqes.Nop(data: 2));
                ring.Ring.Push(Sqes.Nop(data: 3));
                if (ring.Ring.Enter(2, 0) != new EnterResult(2, Errno.OK) || !ring.Ring.TryPop(out _) || !ring.Ring.TryPop(out _))
                {
                    throw new InvalidOperationException("the NOPs were consumed and completed");
                }
            }
        }

        Rounds(20_000); // warm up: JIT, tiering, the pool and its consumption order at their working size
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        Rounds(20_000);
        (GC.GetAllocatedBytesForCurrentThread() - allocated).ShouldBe(0L);
        ring.InFlight.ShouldBe(1, "the READ still pends");
        ring.FindKernelInconsistencies().ShouldBeEmpty();
    }

    [Fact]
    public void TagHash_TagsWhoseHalvesFoldAlike_SpreadOverBuckets()
    {
        // ulong.GetHashCode is lo ^ hi: these 4 096 distinct tags would all share one bucket chain of the index.
        var tags = Enumerable.Range(1, 4096).Select(i => (ulong)(uint)i << 32 | (uint)i).ToList();
        tags.Select(t => t.GetHashCode()).Distinct().Count().ShouldBe(1, "the tags collide under ulong's own hash");

        var hashes = tags.Select(VerbRing.Kernel.Interpreter.TagComparer.Instance.GetHashCode).ToList();
        hashes.Distinct().Count().ShouldBeGreaterThan(4000, "the index's hash tells them apart");
        (hashes.Select(h => h & 4095).Distinct().Count() > 2000).ShouldBeTrue("they spread over the buckets of a 4 096-entry table");
    }

    private static RingHarness Ring(bool fastPath, uint cqEntries, int pipeCapacity = RingOptions.DefaultPipeCapacity)
    {
        var options = new RingOptions { SqEntries = 4096, CqEntries = cqEntries, PipeCapacity = pipeCapacity };
        var ring = Kernels.Create(KernelPlacement.InProcess, options, new MemoryNamespace(), new ManualClock(), []);
        ring.FastPath = fastPath;
        return ring;
    }

    /// <summary>N one-byte READs from the pipe's read end in R0, each with the data <paramref name="tag"/> gives it.</summary>
    private static Sqe[] Reads(UserBuffer buffer, Func<int, ulong> tag) =>
        Enumerable.Range(0, N).Select(i => Sqes.Read(Reg.R0.Low, buffer, 1, data: tag(i))).ToArray();

    // A chain of N CANCEL(tag 7, oldest) runs inside the retries of a wake (the drain is running, so the targets each
    // CANCEL marks are not completed before the next CANCEL): each CANCEL walks past every READ the earlier ones marked.
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Cancel_ChainOfNCancelsInsideAWake_VisitsLinearlyManySlots(bool fastPath)
    {
        var options = new RingOptions { SqEntries = 4096, CqEntries = 8192 };
        using var ring = Kernels.Create(KernelPlacement.InProcess, options, new MemoryNamespace(), new ManualClock(), []);
        ring.FastPath = fastPath;
        var buffer = ring.Reserve(8);
        ring.Pipe(Reg.R0);
        ring.Pipe(Reg.R1);
        ring.Submit(Enumerable.Range(0, N).Select(_ => Sqes.Read(Reg.R0.Low, buffer, 1, data: 7)).ToArray()).ShouldBeEmpty();
        var chain = new List<Sqe> { Sqes.Read(Reg.R1.Low, buffer, 1, link: SqeLink.Link, data: 100) };
        chain.AddRange(Enumerable.Range(0, N).Select(i => Sqes.Cancel(7, (ulong)CancelMode.Any, link: i + 1 < N ? SqeLink.Link : SqeLink.None, data: 200)));
        ring.Submit(chain.ToArray()).ShouldBeEmpty("the chain waits behind its READ");
        var before = ring.LookupCounts.CancelVisits;

        var cqes = ring.Submit(Sqes.Write(Reg.R1.High, buffer, 1, data: 300));

        cqes.Count(c => c.Data == 7 && c.Error == (int)Errno.ECANCELED).ShouldBe(N);
        cqes.Count(c => c.Data == 200 && c.Error == 0 && c.Result == 1).ShouldBe(N);
        var visits = ring.LookupCounts.CancelVisits - before;
        visits.ShouldBeLessThanOrEqualTo(4L * N, $"N CANCELs cost O(N) visits (was {visits})");
    }
}
