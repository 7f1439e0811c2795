using VerbRing.Kernel;

namespace VerbRing.Tooling.Fuzzing;

/// <summary>One failing round: its seed (which alone reproduces it), its kernel, and what check failed.</summary>
/// <param name="RoundSeed">The round's seed: <c>verbring fuzz --start-seed RoundSeed --rounds 1</c> runs it again.</param>
/// <param name="Kernel">The kernel the round ran on (chosen by the seed).</param>
/// <param name="Message">What went wrong, after which enter.</param>
internal sealed record FuzzFailure(int RoundSeed, KernelPlacement Kernel, string Message);

/// <summary>What one kernel ran during a fuzz run.</summary>
/// <param name="Kernel">The kernel.</param>
/// <param name="Rounds">Rounds on it.</param>
/// <param name="Sqes">SQEs it consumed.</param>
/// <param name="Enters">Enters made on it.</param>
/// <param name="Elapsed">Wall time its rounds took, setup and teardown included.</param>
internal sealed record FuzzKernelStats(KernelPlacement Kernel, int Rounds, long Sqes, long Enters, TimeSpan Elapsed)
{
    /// <summary>SQEs per second of this kernel's rounds.</summary>
    public double SqesPerSecond => Elapsed > TimeSpan.Zero ? Sqes / Elapsed.TotalSeconds : 0;
}

/// <summary>Where a fuzz run is, handed to the progress callback about once a second.</summary>
/// <param name="Rounds">Rounds finished.</param>
/// <param name="Sqes">SQEs consumed so far.</param>
/// <param name="Failures">Failing rounds so far.</param>
/// <param name="Elapsed">Time since the run started.</param>
internal sealed record FuzzProgress(int Rounds, long Sqes, int Failures, TimeSpan Elapsed);

/// <summary>What a fuzz run did and found: counts per kernel, the errnos it provoked, and every failing round.</summary>
internal sealed record FuzzReport
{
    /// <summary>The master seed.</summary>
    public required int Seed { get; init; }

    /// <summary>Rounds run.</summary>
    public required int Rounds { get; init; }

    /// <summary>SQEs the kernels consumed.</summary>
    public required long Sqes { get; init; }

    /// <summary>Enters made.</summary>
    public required long Enters { get; init; }

    /// <summary>Wall time of the whole run.</summary>
    public required TimeSpan Elapsed { get; init; }

    /// <summary>Per kernel, in <see cref="KernelPlacement"/> order; kernels that ran no round are left out.</summary>
    public required IReadOnlyList<FuzzKernelStats> Kernels { get; init; }

    /// <summary>The distinct errnos seen in CQEs and enter results, by name, sorted.</summary>
    public required IReadOnlyList<string> Errnos { get; init; }

    /// <summary>OPENs of a path that tries to leave the sandbox (climbing, links out, absolute host paths, NUL, …).</summary>
    public required long EscapeAttempts { get; init; }

    /// <summary>Failing rounds, in the order they ran.</summary>
    public required IReadOnlyList<FuzzFailure> Failures { get; init; }

    /// <summary>SQEs per second over the whole run.</summary>
    public double SqesPerSecond => Elapsed > TimeSpan.Zero ? Sqes / Elapsed.TotalSeconds : 0;
}
