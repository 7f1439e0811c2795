using BenchmarkDotNet.Attributes;
using VerbRing.Kernel;
using VerbRing.Kernel.Namespaces;
using VerbRing.Tooling.Benchmarking;
using VerbRing.Verbs;

namespace VerbRing.Benchmarks;

/// <summary>
/// Suite 5, copying a file on the host namespace (issue 19): <c>copy-all</c> — open, open, a LOOP of READ and WRITE
/// until end of file, close, close — in one enter, against the same reads and writes as single enters, against
/// <c>Stream.CopyTo</c> (the baseline: what a .NET user writes) and, for reference, <c>File.Copy</c>; 4 KiB, 1 MiB and
/// 64 MiB, 64 KiB blocks, on tmpfs (/dev/shm) through the in-process kernel.
/// </summary>
public class FileCopyBenchmarks
{
    private string _folder = null!;
    private HostNamespace _files = null!;
    private IoRing _ring = null!;
    private CopyWorkload _work = null!;

    /// <summary>The file's size.</summary>
    [Params(4 * 1024, 1024 * 1024, 64 * 1024 * 1024)]
    public int Size { get; set; }

    /// <summary>A folder on tmpfs holding /in.bin, a host namespace over it, a ring on that namespace.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _folder = TmpfsFolder.Create("verbring-copy");
        _files = new HostNamespace(_folder);
        var factory = RingFactory.CreateDefault(fileSystem: _files);
        _ring = factory.Create(new RingOptions { SqEntries = 8, CqEntries = 8, UserMemorySize = CopyWorkload.UserMemory });
        _work = new CopyWorkload(_ring, _folder, Size);
    }

    /// <summary>Checks the last copy, closes the ring, removes the folder.</summary>
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
            _files.Dispose();
            Directory.Delete(_folder, recursive: true);
        }
    }

    /// <summary>Stream.CopyTo between two FileStreams, 64 KiB at a time.</summary>
    [Benchmark(Baseline = true)]
    public void StreamCopyTo() => _work.StreamCopy();

    /// <summary>The copy-all chain: seven SQEs, one enter, one CQE.</summary>
    [Benchmark]
    public void CopyAllOneEnter() => _work.CopyAll();

    /// <summary>The same READs and WRITEs, one enter each.</summary>
    [Benchmark]
    public void SingleEnters() => _work.SingleEnters();

    /// <summary>File.Copy, for reference.</summary>
    [Benchmark]
    public void FileCopy() => _work.FileCopy();
}
