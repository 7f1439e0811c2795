using BenchmarkDotNet.Attributes;
using VerbRing.Tooling.Benchmarking;

namespace VerbRing.Benchmarks;

/// <summary>
/// Suite 1, chain against single calls: the design card's chain as one enter of five linked SQEs (also with
/// SKIP_SUCCESS on the first four, "skip") and as five single enters, against the same five operations called directly on the namespace (the baseline), on each kernel.
/// "Floor" runs the skip chain on <see cref="FloorRing"/>, the least any ring must do, in-process over the baseline's
/// namespace: its ratio is how much of a chain's cost is the idea of a ring rather than VerbRing's safety.
/// </summary>
public class ChainBenchmarks : KernelBenchmark
{
    private ChainWorkload _work = null!;

    /// <summary>open, read, seek, write, close on the namespace's objects: no ring.</summary>
    [Benchmark(Baseline = true)]
    public void Direct() => _work.Direct();

    /// <summary>The five as single calls: five enters, user space carrying the descriptor.</summary>
    [Benchmark]
    public void SingleCalls() => _work.SingleCalls();

    /// <summary>The five linked in one enter, descriptor and byte count in registers.</summary>
    [Benchmark]
    public void Chain() => _work.Chain();

    /// <summary>The five linked in one enter with SKIP_SUCCESS on the first four: one CQE to pop instead of five.</summary>
    [Benchmark]
    public void SkipChain() => _work.SkipChain();

    /// <summary>The skip chain on a floor ring: SQEs copied, dispatched and completed with no checks at all.</summary>
    [Benchmark]
    public void Floor() => _work.Floor();

    /// <inheritdoc />
    protected override void Prepare() => _work = new ChainWorkload(Ring, Host.DirectNamespace(Kernel));

    /// <inheritdoc />
    protected override void Verify() => _work.Verify();
}
