using System.Text;
using FsCheck;
using FsCheck.Fluent;
using VerbRing.Kernel;
using VerbRing.Registers;
using VerbRing.Tests.Infrastructure;
using VerbRing.Verbs;

namespace VerbRing.Tests.Properties;

/// <summary>
/// Thousands of random SQEs through a small ring: no exception escapes, every consumed SQE gets exactly one CQE,
/// every register ends holding what the last completed save into it said, and the namespace stays consistent.
/// </summary>
public sealed class RandomSqeProperties
{
    [Fact]
    public void Enter_RandomSqeStreams_KeepEveryInvariant()
    {
        var total = 0;
        var property = Prop.ForAll(
            Gen.ListOf(SqeGenerators.Batch()).Select(b => b.Take(10).ToArray()).ToArbitrary(),
            (Sqe[][] batches) =>
            {
                total += batches.Sum(b => b.Length);
                if (RunAndCheck(batches) is { } failure)
                {
                    throw new InvalidOperationException(failure + Environment.NewLine + Describe(batches));
                }
            });
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(250).WithEndSize(20), property);
        total.ShouldBeGreaterThan(2000, "thousands of random SQEs went through the ring");
    }

    [Fact]
    public void Oracle_CatchesALostCompletion()
    {
        // The property must be able to fail: a stream whose CQEs we drop on purpose is reported.
        RunAndCheck([[Sqes.Nop(), Sqes.Nop()]], dropFirstCqe: true).ShouldNotBeNull();
    }

    private static string? RunAndCheck(Sqe[][] batches, bool dropFirstCqe = false)
    {
        var files = new MemoryNamespace(maxFileSize: 1 << 20);
        files.WriteFile("/a", "alpha");
        files.WriteFile("/b/c", "gamma");
        var harness = InProcessKernel.Create(
            new RingOptions { SqEntries = 16, CqEntries = 8, UserMemorySize = SqeGenerators.UserMemory, MaxDescriptors = 4 },
            files, new ManualClock(), []);
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
                var pushed = 0;
                while (pushed < batch.Length || ring.SqPending > 0)
                {
                    while (pushed < batch.Length && ring.SqSpace > 0)
                    {
                        var sqe = batch[pushed++];
                        sqe.Data = nextData++;
                        submitted[sqe.Data] = sqe;
                        ring.Push(sqe);
                    }

                    var entered = ring.Enter(ring.SqPending, 0);
                    if (entered.Error is not (Errno.OK or Errno.EBUSY))
                    {
                        return $"enter failed with {entered.Error}";
                    }

                    Reap(ring, completions);
                }
            }

            while (harness.InFlight > 0)
            {
                ring.Enter(0, 0);
                Reap(ring, completions);
            }

            if (dropFirstCqe && completions.Count > 0)
            {
                completions.RemoveAt(0);
            }

            return CheckCompletions(submitted, completions)
                ?? CheckRegisters(ring, initial, submitted, completions)
                ?? (files.FindInconsistencies() is { Count: > 0 } problems ? string.Join("; ", problems) : null);
        }
        finally
        {
            harness.Dispose();
        }
    }

    private static string Describe(Sqe[][] batches) => string.Join(
        Environment.NewLine,
        batches.Select(b => string.Join(" | ", b.Select(s => $"op={s.Op} flags=0x{s.Flags:x} a=[{s.Arg0:x},{s.Arg1:x},{s.Arg2:x},{s.Arg3:x},{s.Arg4:x}]"))));

    private static void Reap(IoRing ring, List<Cqe> completions)
    {
        while (ring.TryPop(out var cqe))
        {
            completions.Add(cqe);
        }
    }

    private static string? CheckCompletions(Dictionary<ulong, Sqe> submitted, List<Cqe> completions)
    {
        var seen = completions.GroupBy(c => c.Data).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        if (seen.Count > 0)
        {
            return $"completed more than once: {string.Join(",", seen)}";
        }

        var missing = submitted.Keys.Except(completions.Select(c => c.Data)).ToList();
        if (missing.Count > 0)
        {
            return $"never completed: {string.Join(",", missing)}";
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
            if (save != SqeFlags.RegNone && (Errno)cqe.Error != Errno.ECANCELED)
            {
                expected[save] = cqe.Error == 0 ? cqe.Result : Abi.Err;
            }
        }

        for (var r = 0; r < RegisterFile.Count; r++)
        {
            if (ring.Registers[r] != expected[r])
            {
                return $"r{r} is {ring.Registers[r]}, the last save said {expected[r]}";
            }
        }

        return null;
    }
}
