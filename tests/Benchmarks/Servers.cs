using VerbRing.Tooling;
using VerbRing.Tooling.Benchmarking;

namespace VerbRing.Benchmarks;

/// <summary>
/// Where the benchmarks find <c>verbring serve</c>: the tool's assembly is copied beside the benchmarks (a project
/// reference), also into the process BenchmarkDotNet builds for each run.
/// </summary>
internal static class Servers
{
    private static readonly TimeSpan StartLimit = TimeSpan.FromSeconds(30);

    /// <summary>A host whose server kernel is a <c>verbring serve</c> process.</summary>
    public static BenchHost Host() => new(Start);

    /// <summary>Starts a server process.</summary>
    public static ServerProcess Start()
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "verbring.dll");
        return File.Exists(dll)
            ? ServerProcess.StartDll(dll, StartLimit)
            : throw new FileNotFoundException("verbring.dll is not beside the benchmarks; build tests/Benchmarks.", dll);
    }
}
