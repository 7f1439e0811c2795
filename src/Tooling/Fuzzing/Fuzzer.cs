using System.Diagnostics;
using VerbRing.Kernel;
using VerbRing.Verbs;

namespace VerbRing.Tooling.Fuzzing;

/// <summary>
/// Drives random and mutated SQE streams through every kernel and checks after every enter that nothing broke:
/// no exception, every consumed SQE completed exactly once with its own op, registers changed only by saves,
/// the kernel's bookkeeping sound, nothing outside the sandbox touched, nothing left open after teardown.
/// Round <c>i</c> of master seed <c>S</c> runs with seed <c>S + i</c> on kernel <c>(S + i) mod 3</c>, so a failing
/// round seed alone reproduces the failure.
/// </summary>
internal static class Fuzzer
{
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromSeconds(1);

    /// <summary>Runs rounds until the budget is spent (or too many fail) and reports what ran and what failed.</summary>
    public static FuzzReport Run(FuzzOptions options, Action<FuzzProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var clock = Stopwatch.StartNew();
        var totals = new Dictionary<KernelPlacement, FuzzKernelStats>();
        var errnos = new HashSet<Errno>();
        var failures = new List<FuzzFailure>();
        var (rounds, sqes, enters, escapes) = (0, 0L, 0L, 0L);
        var lastProgress = TimeSpan.Zero;
        using var sandbox = new FuzzSandbox(options.WorkDirectory);
        var paths = new FuzzPaths(sandbox.DecoyPath);
        for (var i = 0; !IsSpent(options, clock.Elapsed, sqes, rounds) && failures.Count < options.MaxFailures; i++)
        {
            var seed = unchecked(options.Seed + i);
            if (!options.Kernels.Contains(FuzzRound.KernelOf(seed)))
            {
                continue;
            }

            var round = FuzzRound.Run(seed, sandbox, paths, options.Fault);
            rounds++;
            sqes += round.Sqes;
            enters += round.Enters;
            escapes += round.EscapeAttempts;
            errnos.UnionWith(round.Errnos);
            totals[round.Kernel] = totals.TryGetValue(round.Kernel, out var t)
                ? t with { Rounds = t.Rounds + 1, Sqes = t.Sqes + round.Sqes, Enters = t.Enters + round.Enters, Elapsed = t.Elapsed + round.Elapsed }
                : new FuzzKernelStats(round.Kernel, 1, round.Sqes, round.Enters, round.Elapsed);
            if (round.Failure is { } message)
            {
                failures.Add(new FuzzFailure(seed, round.Kernel, message));
            }

            if (progress is not null && clock.Elapsed - lastProgress >= ProgressInterval)
            {
                lastProgress = clock.Elapsed;
                progress(new FuzzProgress(rounds, sqes, failures.Count, clock.Elapsed));
            }
        }

        return new FuzzReport
        {
            Seed = options.Seed,
            Rounds = rounds,
            Sqes = sqes,
            Enters = enters,
            Elapsed = clock.Elapsed,
            Kernels = [.. totals.Values.OrderBy(k => k.Kernel)],
            Errnos = [.. errnos.Select(e => e.ToString()).Order(StringComparer.Ordinal)],
            EscapeAttempts = escapes,
            Failures = failures,
        };
    }

    /// <summary>The command that runs one round again.</summary>
    public static string ReproduceCommand(FuzzFailure failure)
    {
        ArgumentNullException.ThrowIfNull(failure);
        return $"verbring fuzz --start-seed {failure.RoundSeed} --rounds 1";
    }

    private static bool IsSpent(FuzzOptions options, TimeSpan elapsed, long sqes, int rounds) =>
        elapsed >= options.Duration || sqes >= options.MaxSqes || rounds >= options.MaxRounds;
}
