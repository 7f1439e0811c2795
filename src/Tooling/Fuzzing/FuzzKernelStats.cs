using VerbRing.Kernel;

namespace VerbRing.Tooling.Fuzzing;

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
