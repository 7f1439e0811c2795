using BenchmarkDotNet.Attributes;
using VerbRing.Tooling.Benchmarking;

namespace VerbRing.Benchmarks;

/// <summary>
/// Suite 3a, scale with the work: 1 K (the baseline), 64 K and 1 M NOPs streamed through one 256-entry ring on each
/// kernel. The mean is per SQE, so a flat cost shows as ratios near 1.
/// </summary>
public class ScaleBenchmarks : KernelBenchmark
{
    private StreamWorkload _stream = null!;

    /// <summary>1 024 NOPs.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = 1 << 10)]
    public void Stream1K() => _stream.Run(1 << 10);

    /// <summary>65 536 NOPs.</summary>
    [Benchmark(OperationsPerInvoke = 1 << 16)]
    public void Stream64K() => _stream.Run(1 << 16);

    /// <summary>1 048 576 NOPs.</summary>
    [Benchmark(OperationsPerInvoke = 1 << 20)]
    public void Stream1M() => _stream.Run(1 << 20);

    /// <inheritdoc />
    protected override void Prepare() => _stream = new StreamWorkload(Ring);
}
