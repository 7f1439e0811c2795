using VerbRing.Kernel.Namespaces;

namespace VerbRing.Kernel;

/// <summary>
/// Everything the creator of one ring chooses (never the program it runs): where its kernel runs, its sizes (which fix
/// its <see cref="Registers.RingLayout"/>; a program is checked against their <see cref="Verbs.Programs.RingCapacity"/>),
/// limits and policy.
/// </summary>
public sealed record RingOptions
{
    /// <summary>
    /// Where the kernel runs (default: in process, on the caller's thread). A factory makes in-process and kernel-thread
    /// rings; <see cref="KernelPlacement.Server"/> is for a <c>RingServer</c>'s clients.
    /// </summary>
    public KernelPlacement Placement { get; init; } = KernelPlacement.InProcess;

    /// <summary>SQ entries, a power of two (default 64).</summary>
    public uint SqEntries { get; init; } = 64;

    /// <summary>CQ entries, a power of two (default 128).</summary>
    public uint CqEntries { get; init; } = 128;

    /// <summary>User memory in bytes (default 64 KiB).</summary>
    public uint UserMemorySize { get; init; } = 64 * 1024;

    /// <summary>Open descriptors at most (EMFILE past it; default 64).</summary>
    public int MaxDescriptors { get; init; } = 64;

    /// <summary>The default of <see cref="MaxInFlight"/>.</summary>
    public const int DefaultMaxInFlight = 16 * 1024;

    /// <summary>
    /// Operations that may wait at once — pending, or queued behind a pending one in their chain. A verb that would
    /// start waiting past it completes with EAGAIN (its LINK successors cancelled); consumption never stops for it.
    /// 0 means <see cref="DefaultMaxInFlight"/> (16 384). The slots behind it are pooled and grow on demand.
    /// </summary>
    public int MaxInFlight { get; init; }

    /// <summary>The default pipe buffer, in bytes.</summary>
    public const int DefaultPipeCapacity = 4096;

    /// <summary>Each pipe's buffer in bytes (default 4096).</summary>
    public int PipeCapacity { get; init; } = DefaultPipeCapacity;

    /// <summary>The longest an enter waits for completions (ETIMEDOUT past it; default 10 s).</summary>
    public TimeSpan EnterTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The verbs this ring may use and how it may reach each mount (default: unrestricted).</summary>
    public RingPolicy Policy { get; init; } = RingPolicy.Unrestricted;

    internal int EffectiveMaxInFlight => MaxInFlight > 0 ? MaxInFlight : DefaultMaxInFlight;
}

/// <summary>Kernel-wide settings: the default ring options and the in-memory namespace's limits.</summary>
public sealed class VerbRingOptions
{
    /// <summary>The ring a factory creates when the caller names none.</summary>
    public RingOptions Ring { get; set; } = new();

    /// <summary>The largest file of the default in-memory namespace (EFBIG past it).</summary>
    public long MaxFileSize { get; set; } = MemoryNamespace.DefaultMaxFileSize;
}
