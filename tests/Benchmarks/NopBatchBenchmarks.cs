using BenchmarkDotNet.Attributes;
using VerbRing.Tooling.Benchmarking;

namespace VerbRing.Benchmarks;

/// <summary>
/// Suite 2, per-SQE cost: NOPs at 1, 8, 64 and 256 per enter, unlinked (the baseline) and linked into one chain,
/// on each kernel. Every invocation pushes 256 NOPs, so the mean is the cost of one SQE.
/// </summary>
public class NopBatchBenchmarks : KernelBenchmark
{
    private const int SqesPerInvoke = 256;
    private NopWorkload _unlinked = null!;
    private NopWorkload _linked = null!;

    /// <summary>NOPs per enter.</summary>
    [Params(1, 8, 64, 256)]
    public int Batch { get; set; }

    /// <summary>Independent NOPs.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = SqesPerInvoke)]
    public void Unlinked() => _unlinked.Run(SqesPerInvoke / Batch);

    /// <summary>The same NOPs linked into chains of the batch's length.</summary>
    [Benchmark(OperationsPerInvoke = SqesPerInvoke)]
    public void Linked() => _linked.Run(SqesPerInvoke / Batch);

    /// <inheritdoc />
    protected override void Prepare()
    {
        _unlinked = new NopWorkload(Ring, Batch, linked: false);
        _linked = new NopWorkload(Ring, Batch, linked: true);
    }
}
