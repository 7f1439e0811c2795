using BenchmarkDotNet.Attributes;
using Microsoft.Win32.SafeHandles;
using VerbRing.Kernel;
using VerbRing.Kernel.Benchmarking;
using VerbRing.Verbs;

namespace VerbRing.Benchmarks;

/// <summary>
/// Suite 4, host files: the design card's chain on a tmpfs file (/dev/shm) through the in-process kernel's host
/// namespace, against what a .NET user would write instead — <c>File.OpenHandle</c>, <c>RandomAccess.Read</c>,
/// <c>RandomAccess.Write</c>, dispose (the baseline) — doing the same work on the same file.
/// </summary>
public class HostFileBenchmarks
{
    private readonly byte[] _buffer = new byte[ChainWorkload.Chunk];
    private string _folder = null!;
    private string _file = null!;
    private IoRing _ring = null!;
    private ChainWorkload _work = null!;

    /// <summary>A folder on tmpfs, a host namespace over it, a ring on that namespace.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var shm = Directory.Exists("/dev/shm") ? "/dev/shm" : Path.GetTempPath();
        _folder = Directory.CreateDirectory(Path.Combine(shm, $"verbring-bench-{Environment.ProcessId}-{Guid.NewGuid():N}")).FullName;
        _file = Path.Combine(_folder, "bench.dat");
        var files = new HostNamespace(_folder);
        var factory = RingFactory.CreateDefault(fileSystem: files);
        _ring = factory.Create(new RingOptions { SqEntries = 64, CqEntries = 64 });
        _work = new ChainWorkload(_ring, files);
    }

    /// <summary>Checks the file, closes the ring, removes the folder.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        try
        {
            _work.Verify();
        }
        finally
        {
            _ring.Dispose();
            Directory.Delete(_folder, recursive: true);
        }
    }

    /// <summary>open, read 4 KiB, write it at 4 KiB, close with .NET's file API.</summary>
    [Benchmark(Baseline = true)]
    public void FileApi()
    {
        using SafeFileHandle handle = File.OpenHandle(_file, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite);
        var read = RandomAccess.Read(handle, _buffer, 0);
        if (read != _buffer.Length)
        {
            throw new BenchmarkCheckException($"RandomAccess.Read returned {read}");
        }

        RandomAccess.Write(handle, _buffer, ChainWorkload.Chunk);
    }

    /// <summary>The chain in one enter on the host namespace.</summary>
    [Benchmark]
    public void Chain() => _work.Chain();

    /// <summary>The five as single enters on the host namespace.</summary>
    [Benchmark]
    public void SingleCalls() => _work.SingleCalls();

    /// <summary>The five operations called directly on the host namespace's objects.</summary>
    [Benchmark]
    public void Direct() => _work.Direct();
}
