using BenchmarkDotNet.Attributes;
using VerbRing.Kernel;
using VerbRing.Tooling.Benchmarking;
using VerbRing.Verbs;

namespace VerbRing.Benchmarks;

/// <summary>
/// Suite 3b, scale with the clients: 1 (the baseline), 8 and 64 clients of one <c>verbring serve</c> process,
/// streaming 64 K NOPs between them per invocation. The mean is per SQE across all clients.
/// </summary>
public class ClientsBenchmarks
{
    private const int Total = 1 << 16;
    private BenchHost _host = null!;
    private List<IoRing> _rings = [];
    private ClientsWorkload _clients = null!;

    /// <summary>One client.</summary>
    [GlobalSetup(Target = nameof(OneClient))]
    public void SetupOne() => Setup(1);

    /// <summary>Eight clients.</summary>
    [GlobalSetup(Target = nameof(EightClients))]
    public void SetupEight() => Setup(8);

    /// <summary>Sixty-four clients.</summary>
    [GlobalSetup(Target = nameof(SixtyFourClients))]
    public void SetupSixtyFour() => Setup(64);

    /// <summary>Stops the clients, closes their rings and the server.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _clients.Dispose();
        foreach (var ring in _rings)
        {
            ring.Dispose();
        }

        _host.Dispose();
    }

    /// <summary>One client streams everything.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = Total)]
    public void OneClient() => _clients.Run(Total);

    /// <summary>Eight clients share the stream.</summary>
    [Benchmark(OperationsPerInvoke = Total)]
    public void EightClients() => _clients.Run(Total);

    /// <summary>Sixty-four clients share the stream.</summary>
    [Benchmark(OperationsPerInvoke = Total)]
    public void SixtyFourClients() => _clients.Run(Total);

    private void Setup(int count)
    {
        _host = Servers.Host();
        _rings = Enumerable.Range(0, count).Select(_ => _host.Open(KernelPlacement.Server)).ToList();
        _clients = new ClientsWorkload(_rings);
    }
}
