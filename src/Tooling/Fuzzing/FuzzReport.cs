using VerbRing.Kernel;

namespace VerbRing.Tooling.Fuzzing;

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
