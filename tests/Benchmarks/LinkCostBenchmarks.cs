using BenchmarkDotNet.Attributes;
using VerbRing.Tooling.Benchmarking;

namespace VerbRing.Benchmarks;

/// <summary>
/// What linking costs: five NOPs in one enter, unlinked (the baseline) against linked into one chain — the
/// comparison io_uring makes at 2.3× here. The mean is per five-NOP enter.
/// </summary>
public class LinkCostBenchmarks : KernelBenchmark
{
    private const int Rounds = 50;
    private NopWorkload _unlinked = null!;
    private NopWorkload _linked = null!;

    /// <summary>Five independent NOPs per enter.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = Rounds)]
    public void FiveUnlinked() => _unlinked.Run(Rounds);

    /// <summary>Five NOPs linked into one chain per enter.</summary>
    [Benchmark(OperationsPerInvoke = Rounds)]
    public void FiveLinked() => _linked.Run(Rounds);

    /// <inheritdoc />
    protected override void Prepare()
    {
        _unlinked = new NopWorkload(Ring, 5, linked: false);
        _linked = new NopWorkload(Ring, 5, linked: true);
    }
}
