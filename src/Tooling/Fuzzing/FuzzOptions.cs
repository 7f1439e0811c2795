using VerbRing.Kernel;
using VerbRing.Kernel.Server;

namespace VerbRing.Tooling.Fuzzing;

/// <summary>
/// What a fuzz run does: its master seed, its budget (time, SQEs, rounds: the first one reached ends the run),
/// which kernels take part, and where the sandbox and its decoy are made.
/// </summary>
internal sealed record FuzzOptions
{
    /// <summary>The master seed: round <c>i</c> runs with seed <c>Seed + i</c>, so a round seed alone reproduces it.</summary>
    public int Seed { get; init; }

    /// <summary>Stop starting rounds after this long (null: no time limit).</summary>
    public TimeSpan? Duration { get; init; }

    /// <summary>Stop starting rounds once this many SQEs ran (null: no SQE limit).</summary>
    public long? MaxSqes { get; init; }

    /// <summary>Stop after this many rounds (null: no round limit).</summary>
    public int? MaxRounds { get; init; }

    /// <summary>The kernels that take part; a round whose seed picks another kernel is skipped (default: all three).</summary>
    public IReadOnlyCollection<KernelPlacement> Kernels { get; init; } = [KernelPlacement.InProcess, KernelPlacement.KernelThread, KernelPlacement.Server];

    /// <summary>
    /// The folder in which the run makes its temporary sandbox, decoy and sockets. Default: <c>/dev/shm</c> where
    /// there is one (a RAM disk: a round's reset and FSYNC cost microseconds there, milliseconds on a real disk),
    /// else the temp folder.
    /// </summary>
    public string? WorkDirectory { get; init; }

    /// <summary>Stop the run after this many failing rounds (default 10): one kernel bug tends to fail every round.</summary>
    public int MaxFailures { get; init; } = 10;

    /// <summary>A deliberate fault, so tests can prove that each check can fail (never set by the CLI).</summary>
    internal FuzzFault Fault { get; init; }

    /// <summary>Throws when the options cannot describe a run.</summary>
    internal void Validate()
    {
        if (Duration is null && MaxSqes is null && MaxRounds is null)
        {
            throw new ArgumentException("A fuzz run needs a budget: Duration, MaxSqes or MaxRounds.");
        }

        if (Duration is { } duration && duration <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(Duration), duration, "Duration is positive.");
        }

        if (MaxSqes is <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxSqes), MaxSqes, "MaxSqes is positive.");
        }

        if (MaxRounds is <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxRounds), MaxRounds, "MaxRounds is positive.");
        }

        if (Kernels is null || Kernels.Count == 0 || Kernels.Any(k => !Enum.IsDefined(k)))
        {
            throw new ArgumentException("Kernels names at least one kernel, and only known ones.", nameof(Kernels));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(MaxFailures, 1, nameof(MaxFailures));
    }
}

/// <summary>A fault the round runner injects on purpose after its second enter, to prove a check can fail.</summary>
internal enum FuzzFault
{
    /// <summary>No fault: the real run.</summary>
    None,

    /// <summary>A reaped CQE is thrown away before the oracle sees it.</summary>
    DropCqe,

    /// <summary>A register nothing saves into is changed behind the oracle's back.</summary>
    WriteRegister,

    /// <summary>A file of the decoy folder beside the sandbox is changed.</summary>
    TouchDecoy,

    /// <summary>A host handle into the sandbox is opened and kept past teardown.</summary>
    LeakHandle,

    /// <summary>The round throws, as a kernel bug that escapes as an exception would.</summary>
    Throw,
}
