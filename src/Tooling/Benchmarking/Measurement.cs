using VerbRing.Kernel;

namespace VerbRing.Tooling.Benchmarking;

/// <summary>
/// One quick measurement: what ran (<paramref name="Group"/> and <paramref name="Name"/>, on
/// <paramref name="Kernel"/>), its median cost per unit (<paramref name="Per"/>: an SQE, an enter, a chain), what
/// it allocated per unit, and its ratio to the group's baseline measured in the same run.
/// </summary>
internal sealed record Measurement(
    string Group, string Name, KernelPlacement Kernel, string Per, double Nanoseconds, double AllocatedBytes, double Ratio);

/// <summary>
/// A target from the benchmarks issue, with what this run measured: <paramref name="AtMost"/> true means the
/// measured value must not exceed <paramref name="Limit"/>, false that it must reach it.
/// </summary>
internal sealed record TargetResult(string Name, string Unit, double Measured, double Limit, bool AtMost)
{
    /// <summary>Whether the run met the target.</summary>
    public bool Met => AtMost ? Measured <= Limit : Measured >= Limit;
}
