namespace VerbRing.Cli;

/// <summary>
/// The one spelling of <c>--kernel</c> that <c>run</c>, <c>fuzz</c> and <c>bench</c> share: <c>in-process</c>,
/// <c>kernel-thread</c>, <c>server</c> (and, for the commands that measure every kernel, <c>all</c>).
/// </summary>
internal static class KernelChoice
{
    public const string InProcess = "in-process";
    public const string KernelThread = "kernel-thread";
    public const string Server = "server";
    public const string All = "all";

    /// <summary>The kernels one ring can run on.</summary>
    public static readonly string[] Names = [InProcess, KernelThread, Server];
}
