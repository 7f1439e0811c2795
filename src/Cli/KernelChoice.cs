using VerbRing.Kernel;

namespace VerbRing.Cli;

/// <summary>
/// The one spelling of <c>--kernel</c> that <c>run</c>, <c>fuzz</c> and <c>bench</c> share: <c>in-process</c>,
/// <c>kernel-thread</c>, <c>server</c> (and, for the commands that measure every kernel, <c>all</c>), and its meaning as
/// <see cref="KernelPlacement"/>s.
/// </summary>
internal static class KernelChoice
{
    public const string InProcess = "in-process";
    public const string KernelThread = "kernel-thread";
    public const string Server = "server";
    public const string All = "all";

    /// <summary>The kernels one ring can run on.</summary>
    public static readonly string[] Names = [InProcess, KernelThread, Server];

    /// <summary>Each spelling (with <c>all</c>) and the kernels it names, for the commands that take several.</summary>
    public static readonly IReadOnlyDictionary<string, KernelPlacement[]> Placements = new Dictionary<string, KernelPlacement[]>(StringComparer.Ordinal)
    {
        [InProcess] = [KernelPlacement.InProcess],
        [KernelThread] = [KernelPlacement.KernelThread],
        [Server] = [KernelPlacement.Server],
        [All] = [KernelPlacement.InProcess, KernelPlacement.KernelThread, KernelPlacement.Server],
    };

    /// <summary>The spelling of <paramref name="kernel"/>.</summary>
    public static string Name(KernelPlacement kernel) => kernel switch
    {
        KernelPlacement.InProcess => InProcess,
        KernelPlacement.KernelThread => KernelThread,
        _ => Server,
    };
}
