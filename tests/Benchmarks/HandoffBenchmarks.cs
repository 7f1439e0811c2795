using BenchmarkDotNet.Attributes;
using VerbRing.Kernel;
using VerbRing.Tooling.Benchmarking;
using VerbRing.Verbs;

namespace VerbRing.Benchmarks;

/// <summary>
/// The handoffs beside busy processes (issue 14): the design card's chain entered over the server's plain socket
/// (a request and a reply, a wake-up each way — the baseline), against the same chain and its five single enters
/// on the server's doorbell and on the kernel thread, idle and beside <see cref="Hogs"/> busy processes that the
/// setup starts and the cleanup kills. The claim is the ratio to the socket chain within each hog count.
/// </summary>
public class HandoffBenchmarks
{
    private static readonly TimeSpan HogLifetime = TimeSpan.FromMinutes(30);
    private VerbRing.Tooling.Benchmarking.Hogs _hogs = null!;
    private BenchHost _host = null!;
    private IoRing[] _rings = [];
    private ChainWorkload _socket = null!;
    private ChainWorkload _doorbell = null!;
    private ChainWorkload _kernelThread = null!;

    /// <summary>Busy processes beside the measurement.</summary>
    [Params(0, 2)]
    public int Hogs { get; set; }

    /// <summary>Starts the hogs, the server and one ring per handoff.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _hogs = VerbRing.Tooling.Benchmarking.Hogs.Start(Hogs, HogLifetime);
        _host = Servers.Host();
        var socket = _host.OpenSocket();
        var doorbell = _host.Open(KernelPlacement.Server);
        var kernelThread = _host.Open(KernelPlacement.KernelThread);
        _rings = [socket, doorbell, kernelThread];
        _socket = new ChainWorkload(socket, _host.DirectNamespace(KernelPlacement.Server), "/bench-socket.dat");
        _doorbell = new ChainWorkload(doorbell, _host.DirectNamespace(KernelPlacement.Server));
        _kernelThread = new ChainWorkload(kernelThread, _host.DirectNamespace(KernelPlacement.KernelThread));
    }

    /// <summary>The chain in one enter over the plain socket.</summary>
    [Benchmark(Baseline = true)]
    public void SocketChain() => _socket.Chain();

    /// <summary>The chain in one enter on the doorbell.</summary>
    [Benchmark]
    public void DoorbellChain() => _doorbell.Chain();

    /// <summary>The chain as five single enters on the doorbell.</summary>
    [Benchmark]
    public void DoorbellSingleCalls() => _doorbell.SingleCalls();

    /// <summary>The chain in one enter on the kernel thread.</summary>
    [Benchmark]
    public void KernelThreadChain() => _kernelThread.Chain();

    /// <summary>The chain as five single enters on the kernel thread.</summary>
    [Benchmark]
    public void KernelThreadSingleCalls() => _kernelThread.SingleCalls();

    /// <summary>Checks every workload's file, then closes the rings, the server and the hogs.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        try
        {
            var alive = _hogs.AllRunning;
            _socket.Verify();
            _doorbell.Verify();
            _kernelThread.Verify();
            if (!alive)
            {
                throw new BenchmarkCheckException($"a hog ended before the measurement did (each lives at most {HogLifetime.TotalMinutes:0} min)");
            }
        }
        finally
        {
            foreach (var ring in _rings)
            {
                ring.Dispose();
            }

            _host.Dispose();
            _hogs.Dispose();
        }
    }
}
