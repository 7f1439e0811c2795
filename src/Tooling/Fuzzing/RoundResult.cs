using VerbRing.Kernel;
using VerbRing.Verbs;

namespace VerbRing.Tooling.Fuzzing;

/// <summary>What one round ran and whether it failed.</summary>
/// <param name="Seed">The round's seed.</param>
/// <param name="Kernel">The kernel it ran on.</param>
/// <param name="Sqes">SQEs the kernel consumed.</param>
/// <param name="Enters">Enters made.</param>
/// <param name="Errnos">Errnos seen in CQEs and enter results.</param>
/// <param name="EscapeAttempts">Escape-path OPENs the kernel consumed.</param>
/// <param name="Failure">The first check that failed, or null.</param>
/// <param name="Elapsed">Wall time, setup and teardown included.</param>
internal sealed record RoundResult(
    int Seed, KernelPlacement Kernel, long Sqes, long Enters, IReadOnlySet<Errno> Errnos, long EscapeAttempts, string? Failure, TimeSpan Elapsed);
