using BenchmarkDotNet.Attributes;
using VerbRing.Kernel;
using VerbRing.Tooling.Benchmarking;
using VerbRing.Verbs;

namespace VerbRing.Benchmarks;

/// <summary>
/// The base of every benchmark that runs on each kernel: the kernel parameter, one ring opened before the
/// measurements (the server kernel in a <c>verbring serve</c> process), and the workload's own check after them.
/// </summary>
public abstract class KernelBenchmark
{
    /// <summary>The kernel the ring runs on.</summary>
    [Params(KernelPlacement.InProcess, KernelPlacement.KernelThread, KernelPlacement.Server)]
    public KernelPlacement Kernel { get; set; }

    /// <summary>Where the rings come from.</summary>
    private protected BenchHost Host { get; private set; } = null!;

    /// <summary>The ring the benchmark runs on.</summary>
    protected IoRing Ring { get; private set; } = null!;

    /// <summary>Opens the ring, then lets the benchmark make its workloads.</summary>
    [GlobalSetup]
    public void Setup()
    {
        Host = Servers.Host();
        Ring = Host.Open(Kernel);
        Prepare();
    }

    /// <summary>Lets the benchmark check its results, then closes the ring and the server.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        try
        {
            Verify();
        }
        finally
        {
            Ring.Dispose();
            Host.Dispose();
        }
    }

    /// <summary>Makes the workloads (the ring is open).</summary>
    protected abstract void Prepare();

    /// <summary>Checks what the runs left behind; throws <see cref="BenchmarkCheckException"/> when it is wrong.</summary>
    protected virtual void Verify()
    {
    }
}
