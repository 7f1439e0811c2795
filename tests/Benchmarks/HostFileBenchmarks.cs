using BenchmarkDotNet.Attributes;
using Microsoft.Win32.SafeHandles;
using VerbRing.Kernel;
using VerbRing.Kernel.Namespaces;
using VerbRing.Tooling.Benchmarking;
using VerbRing.Verbs;

namespace VerbRing.Benchmarks;

/// <summary>
/// Suite 4, host files: the design card's chain on a tmpfs file (/dev/shm) through the in-process kernel's host
/// namespace, against what a .NET user would write instead — <c>File.OpenHandle</c>, <c>RandomAccess.Read</c>,
/// <c>RandomAccess.Write</c>, dispose (the baseline) — and against the floor: the same four system calls
/// (open, pread, pwrite, close) through P/Invoke, doing the same work on the same file.
/// </summary>
public unsafe partial class HostFileBenchmarks
{
    private const int ReadWriteCloseOnExec = 2 | 0x80000; // O_RDWR | O_CLOEXEC

    private readonly byte[] _buffer = new byte[ChainWorkload.Chunk];
    private string _folder = null!;
    private string _file = null!;
    private byte[] _fileBytes = null!;
    private IoRing _ring = null!;
    private HostNamespace _files = null!;
    private ChainWorkload _work = null!;

    /// <summary>A folder on tmpfs, a host namespace over it, a ring on that namespace.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _folder = TmpfsFolder.Create("verbring-bench");
        _file = Path.Combine(_folder, "bench.dat");
        _fileBytes = [.. System.Text.Encoding.UTF8.GetBytes(_file), 0];
        var files = _files = new HostNamespace(_folder);
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
            _files.Dispose();
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

    /// <summary>The floor: open, pread 4 KiB, pwrite it at 4 KiB, close — four system calls, nothing else.</summary>
    [Benchmark]
    public void Syscalls()
    {
        fixed (byte* path = _fileBytes)
        fixed (byte* buffer = _buffer)
        {
            // SAFETY: the path is NUL-terminated; pread and pwrite move at most Chunk bytes through the pinned buffer.
            var fd = Open(path, ReadWriteCloseOnExec);
            if (fd < 0)
            {
                throw new BenchmarkCheckException("open failed");
            }

            var read = PRead(fd, buffer, ChainWorkload.Chunk, 0);
            var written = PWrite(fd, buffer, ChainWorkload.Chunk, ChainWorkload.Chunk);
            var closed = Close(fd);
            if (read != ChainWorkload.Chunk || written != ChainWorkload.Chunk || closed != 0)
            {
                throw new BenchmarkCheckException($"pread {read}, pwrite {written}, close {closed}");
            }
        }
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

    [System.Runtime.InteropServices.LibraryImport("libc", EntryPoint = "open")]
    private static partial int Open(byte* path, int flags);

    [System.Runtime.InteropServices.LibraryImport("libc", EntryPoint = "pread")]
    private static partial nint PRead(int fd, byte* buffer, nuint count, long offset);

    [System.Runtime.InteropServices.LibraryImport("libc", EntryPoint = "pwrite")]
    private static partial nint PWrite(int fd, byte* buffer, nuint count, long offset);

    [System.Runtime.InteropServices.LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int fd);
}
