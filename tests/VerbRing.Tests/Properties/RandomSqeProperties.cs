using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using VerbRing.Kernel;
using VerbRing.Kernel.Namespaces;
using VerbRing.Registers;
using VerbRing.Tests.Infrastructure;
using VerbRing.Verbs;
using VerbRing.Verbs.Time;

namespace VerbRing.Tests.Properties;

/// <summary>
/// Thousands of random SQEs — file verbs, pipes, reads and writes that pend, sleeps, cancels, garbage — through a
/// small ring under a random clock: no exception escapes, every SQE completes exactly once, every register ends
/// holding what the last completed save into it said, the namespace stays consistent, and teardown leaves no
/// descriptor, pipe or timer behind.
/// </summary>
public sealed class RandomSqeProperties
{
    /// <summary>The property: up to 1 000 random streams, growing to 20 batches of up to 10 SQEs.</summary>
    [Property(Arbitrary = [typeof(SqeStreams)], MaxTest = 1000, EndSize = 20)]
    public void Enter_RandomSqeStreams_KeepEveryInvariant(Sqe[][] batches)
    {
        // The clock's random steps come from the stream itself, so a failing stream replays (and shrinks) alike.
        if (RunAndCheck(batches, seed: batches.Sum(b => b.Length)) is { } failure)
        {
            throw new InvalidOperationException(failure + Environment.NewLine + Describe(batches));
        }
    }

    [Fact]
    public void SqeStreams_AtThePropertysSizes_CarryThousandsOfSqes()
    {
        // What the property's 1 000 runs put through the ring: streams sampled across its sizes (1 to 20).
        var total = Enumerable.Range(1, 20).Sum(size => SqeStreams.Streams().Generator.Sample(size, 50).Sum(s => s.Sum(b => b.Length)));

        total.ShouldBeGreaterThan(10_000, "thousands of random SQEs go through the ring");
    }

    [Fact]
    public void SqeStreams_CarryQuietSqesDrainsAndAdds()
    {
        // Issue 19's flags and ADD go through the property, not only the fuzzer.
        var sqes = SqeStreams.Streams().Generator.Sample(20, 200).SelectMany(s => s.SelectMany(b => b)).ToList();

        sqes.Count(s => s.Flags == (s.Flags & ~SqeFlags.ReservedMask) && SqeFlags.SkipsSuccess(s.Flags)).ShouldBeGreaterThan(100);
        sqes.Count(s => s.Flags == (s.Flags & ~SqeFlags.ReservedMask) && SqeFlags.Drains(s.Flags)).ShouldBeGreaterThan(100);
        sqes.Count(s => s.Op == (uint)Op.Add).ShouldBeGreaterThan(20);
    }

    [Fact]
    public void Oracle_CatchesAQuietSqeThatPostedItsSuccess()
    {
        // The oracle's SKIP_SUCCESS rule, fed by hand: a quiet success that came back as a CQE is reported, a quiet
        // success with no CQE is not, and a plain SQE with no CQE still is.
        var quiet = Sqes.Nop(data: 0).WithSkipSuccess();
        var submitted = new Dictionary<ulong, Sqe> { [0] = quiet };
        CheckCompletions(submitted, [new Cqe { Op = (uint)Op.Nop, Data = 0, Error = 0 }]).ShouldNotBeNull().ShouldContain("posted a success");
        CheckCompletions(submitted, []).ShouldBeNull("a quiet success posts nothing");
        CheckCompletions(new Dictionary<ulong, Sqe> { [0] = Sqes.Nop(data: 0) }, []).ShouldNotBeNull().ShouldContain("never completed");
    }

    [Fact]
    public void Oracle_CatchesALostFailureOfAQuietSqe()
    {
        // A quiet SQE's failure must still be posted: the kernel observed the failure, so a missing CQE is reported.
        var quiet = Sqes.Close(63, data: 0).WithSkipSuccess(); // EBADF
        RunAndCheck([[quiet, Sqes.Nop()]], dropQuietFailure: true).ShouldNotBeNull().ShouldContain("observed");
        RunAndCheck([[quiet, Sqes.Nop()]]).ShouldBeNull();
    }

    [Fact]
    public void Oracle_CatchesALostCompletion()
    {
        // The property must be able to fail: a stream whose CQEs we drop on purpose is reported.
        RunAndCheck([[Sqes.Nop(), Sqes.Nop()]], dropFirstCqe: true).ShouldNotBeNull();
    }

    private static string? RunAndCheck(Sqe[][] batches, bool dropFirstCqe = false, int seed = 0, bool dropQuietFailure = false)
    {
        var random = new Random(seed);
        var files = new MemoryNamespace(maxFileSize: 1 << 20);
        files.WriteFile("/a", "alpha");
        files.WriteFile("/b/c", "gamma");
        var clock = new ManualClock();

        // The kernel's own account of every completion, posted or quiet: what the CQ cannot show for SKIP_SUCCESS.
        var observed = new ObservedCompletions();
        var options = new RingOptions { SqEntries = 32, CqEntries = 8, UserMemorySize = SqeGenerators.UserMemory, MaxDescriptors = 8, MaxInFlight = 128, PipeCapacity = 64 };
        var (created, kernel) = RingFactory.CreateDefault(fileSystem: files, time: clock).CreateWithKernel(options, observed);
        var harness = new RingHarness(created, kernel, files, clock);
        try
        {
            var ring = harness.Ring;
            foreach (var (address, path) in SqeGenerators.Paths)
            {
                Encoding.UTF8.GetBytes(path).CopyTo(ring.Memory.At(address, (uint)path.Length));
            }

            var initial = Enumerable.Range(0, RegisterFile.Count).Select(i => (ulong)(1000 + i)).ToArray();
            for (var r = 0; r < RegisterFile.Count; r++)
            {
                ring.Registers[r] = initial[r];
            }

            var submitted = new Dictionary<ulong, Sqe>();
            var completions = new List<Cqe>();
            var nextData = 0UL;
            foreach (var batch in batches)
            {
                foreach (var generated in batch)
                {
                    var sqe = generated;
                    sqe.Data = nextData++;
                    submitted[sqe.Data] = sqe;
                    ring.Push(sqe);
                }

                if (Pump(ring, harness, clock, completions) is { } failure)
                {
                    return failure;
                }

                // A random clock: time passes between batches, firing timeouts and ending sleeps.
                clock.Advance(TimeSpan.FromMilliseconds(random.Next(0, 20)));
                Reap(ring, completions);
                if (harness.InFlight > 48 && CancelOutstanding(ring, harness, clock, submitted, completions) is { } stuck)
                {
                    return stuck;
                }
            }

            if (CancelOutstanding(ring, harness, clock, submitted, completions) is { } unfinished)
            {
                return unfinished;
            }

            if (dropFirstCqe && completions.Count > 0)
            {
                completions.RemoveAt(0);
            }

            if (dropQuietFailure && completions.FindIndex(c => c.Error != 0 && SqeFlags.SkipsSuccess(submitted[c.Data].Flags)) is var quiet and >= 0)
            {
                completions.RemoveAt(quiet);
            }

            var loopBatches = batches.Any(b => b.Any(sqe => sqe.Op == (uint)Op.Loop)); // a LOOP's body is observed per iteration
            return CheckCompletions(submitted, completions)
                ?? (loopBatches ? null : CheckObserved(submitted, completions, observed.Entries))
                ?? CheckRegisters(ring, initial, submitted, completions)
                ?? (files.FindInconsistencies() is { Count: > 0 } problems ? string.Join("; ", problems) : null);
        }
        finally
        {
            harness.Dispose(); // asserts that no descriptor, pipe or timer is left
        }
    }

    /// <summary>Enters until the SQ is empty, reaping as it goes; EBUSY (backlog) and EAGAIN (pool full) are answers.</summary>
    private static string? Pump(IoRing ring, RingHarness harness, ManualClock clock, List<Cqe> completions)
    {
        for (var round = 0; ring.SqPending > 0; round++)
        {
            var entered = ring.Enter(ring.SqPending, 0);
            if (entered.Error is not (Errno.OK or Errno.EBUSY or Errno.EAGAIN))
            {
                return $"enter failed with {entered.Error}";
            }

            var reaped = Reap(ring, completions);
            if (harness.FindKernelInconsistencies() is { Count: > 0 } broken)
            {
                return $"kernel bookkeeping broken after an enter: {string.Join("; ", broken)}; in flight: {harness.DescribeInFlight()}";
            }

            if ((entered.Consumed == 0 && !reaped && !clock.TryAdvanceToNextTimer(long.MaxValue)) || round > 10_000)
            {
                return $"the ring made no progress with {ring.SqPending} SQEs queued and {harness.InFlight} in flight";
            }
        }

        return null;
    }

    /// <summary>Cancels everything still outstanding and lets time run until nothing is in flight.</summary>
    private static string? CancelOutstanding(IoRing ring, RingHarness harness, ManualClock clock, Dictionary<ulong, Sqe> submitted, List<Cqe> completions)
    {
        // A quiet SQE that succeeded left no CQE to say it is done: it is sent one CANCEL (which finds nothing, or
        // the SQE still pending), not one per round.
        var quietCancelled = new HashSet<ulong>();
        for (var round = 0; harness.InFlight > 0; round++)
        {
            if (round > 200)
            {
                return $"{harness.InFlight} operations never completed: {harness.DescribeInFlight()}";
            }

            var done = completions.Select(c => c.Data).ToHashSet();
            var outstanding = submitted.Keys
                .Where(t => !done.Contains(t) && (!SqeFlags.SkipsSuccess(submitted[t].Flags) || quietCancelled.Add(t)))
                .Take((int)ring.SqSpace)
                .ToList();
            foreach (var tag in outstanding)
            {
                var cancel = Sqes.Cancel(tag, data: ulong.MaxValue - (ulong)submitted.Count);
                submitted[cancel.Data] = cancel;
                ring.Push(cancel);
            }

            if (Pump(ring, harness, clock, completions) is { } failure)
            {
                return failure;
            }

            clock.TryAdvanceToNextTimer(long.MaxValue);
            ring.Enter(0, 0);
            Reap(ring, completions);
        }

        return null;
    }

    /// <summary>The property's input: a list of batches, each cut to at most 10 SQEs.</summary>
    public static class SqeStreams
    {
        public static Arbitrary<Sqe[][]> Streams() =>
            Gen.ListOf(SqeGenerators.Batch()).Select(b => b.Take(10).ToArray()).ToArbitrary();
    }

    private static string Describe(Sqe[][] batches) => string.Join(
        Environment.NewLine,
        batches.Select(b => string.Join(" | ", b.Select(s => $"op={s.Op} flags=0x{s.Flags:x} a=[{s.Arg0:x},{s.Arg1:x},{s.Arg2:x},{s.Arg3:x},{s.Arg4:x}]"))));

    private static bool Reap(IoRing ring, List<Cqe> completions)
    {
        var any = false;
        while (ring.TryPop(out var cqe))
        {
            completions.Add(cqe);
            any = true;
        }

        return any;
    }

    private static string? CheckCompletions(Dictionary<ulong, Sqe> submitted, List<Cqe> completions)
    {
        var seen = completions.GroupBy(c => c.Data).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        if (seen.Count > 0)
        {
            return $"completed more than once: {string.Join(",", seen)}";
        }

        // SKIP_SUCCESS: a success posts nothing, so a quiet SQE has no CQE or one that is a failure.
        var missing = submitted.Keys.Except(completions.Select(c => c.Data)).Where(t => !SqeFlags.SkipsSuccess(submitted[t].Flags)).ToList();
        if (missing.Count > 0)
        {
            return $"never completed: {string.Join(",", missing)}";
        }

        var quietSuccess = completions.Where(c => SqeFlags.SkipsSuccess(submitted[c.Data].Flags) && c.Error == 0).Select(c => c.Data).ToList();
        if (quietSuccess.Count > 0)
        {
            return $"SKIP_SUCCESS SQEs posted a success: {string.Join(",", quietSuccess)}";
        }

        var wrongOp = completions.Where(c => submitted[c.Data].Op != c.Op).Select(c => c.Data).ToList();
        return wrongOp.Count > 0 ? $"CQEs with the wrong op: {string.Join(",", wrongOp)}" : null;
    }

    private static string? CheckRegisters(IoRing ring, ulong[] initial, Dictionary<ulong, Sqe> submitted, List<Cqe> completions)
    {
        // CQEs arrive in completion order, and a save happens at completion: the last saver of each register wins.
        var expected = (ulong[])initial.Clone();
        foreach (var cqe in completions)
        {
            var save = SqeFlags.SaveOf(submitted[cqe.Data].Flags);
            if (save != SqeFlags.RegNone && (Errno)cqe.Error != Errno.ECANCELED) // ECANCELED never writes a register
            {
                expected[save] = cqe.Error == 0 ? cqe.Result : Abi.Err;
            }
        }

        // A quiet success saved without a CQE to say when (the generators give quiet SQEs no save register, but
        // garbage flags can): such a register's last value is not knowable from the CQ, so it is not checked.
        var completed = completions.Select(c => c.Data).ToHashSet();
        var blind = submitted.Where(s => SqeFlags.SkipsSuccess(s.Value.Flags) && !completed.Contains(s.Key)).Select(s => SqeFlags.SaveOf(s.Value.Flags)).ToHashSet();
        for (var r = 0; r < RegisterFile.Count; r++)
        {
            if (!blind.Contains(r) && ring.Registers[r] != expected[r])
            {
                return $"r{r} is {ring.Registers[r]}, the last save said {expected[r]}";
            }
        }

        return null;
    }

    /// <summary>
    /// Holds the CQ against the kernel's observer: every SQE was observed completing exactly once; a posted CQE says
    /// what was observed; and an observed completion that is not a quiet success was posted.
    /// </summary>
    private static string? CheckObserved(Dictionary<ulong, Sqe> submitted, List<Cqe> completions, IReadOnlyList<(ulong Data, Errno Error)> observed)
    {
        var times = observed.GroupBy(o => o.Data).ToDictionary(g => g.Key, g => g.Count());
        var notOnce = submitted.Keys.Where(t => times.GetValueOrDefault(t) != 1).ToList();
        if (notOnce.Count > 0)
        {
            return $"not observed completing exactly once: {string.Join(",", notOnce.Select(t => $"{t}×{times.GetValueOrDefault(t)}"))}";
        }

        var posted = completions.ToDictionary(c => c.Data, c => (Errno)c.Error);
        foreach (var (data, error) in observed)
        {
            var quietSuccess = error == Errno.OK && SqeFlags.SkipsSuccess(submitted[data].Flags);
            if (!quietSuccess && (!posted.TryGetValue(data, out var cqe) || cqe != error))
            {
                return $"{data} was observed completing with {error} but its CQE {(posted.TryGetValue(data, out var other) ? $"says {other}" : "is missing")}";
            }
        }

        return null;
    }

    /// <summary>Every completion the kernel reports, posted or quiet, in order.</summary>
    private sealed class ObservedCompletions : IRingObserver
    {
        private readonly List<(ulong Data, Errno Error)> _entries = [];

        public IReadOnlyList<(ulong Data, Errno Error)> Entries => _entries;

        public void OnCompleted(in TracedOperation operation) => _entries.Add((operation.Data, operation.Error));
    }
}
