using System.Text;
using VerbRing.Kernel.Namespaces;
using VerbRing.Registers;
using VerbRing.Verbs;

namespace VerbRing.Tooling.Benchmarking;

/// <summary>
/// The design card's chain — open → read 4 KiB → seek → write 4 KiB → close — four ways over one file: five linked
/// SQEs in one enter (the descriptor and byte count flow through registers), the same with SKIP_SUCCESS on the first
/// four (one CQE instead of five), the same five as single calls (one enter each, user space carrying the
/// descriptor), the five operations called directly on the namespace, and the skip chain on a <see cref="FloorRing"/>
/// (the least any ring must do, over the direct calls' namespace). The
/// write lands at offset 4 KiB, so after any run the file's second half must equal its first; every CQE is
/// checked, and a wrong one throws <see cref="BenchmarkCheckException"/>.
/// </summary>
internal sealed class ChainWorkload
{
    /// <summary>Bytes read and written by each chain.</summary>
    public const int Chunk = 4096;

    private const OpenFlags Flags = OpenFlags.Read | OpenFlags.Write;
    private readonly IoRing _ring;
    private readonly INamespace _direct;
    private readonly byte[] _pathBytes;
    private readonly byte[] _directBuffer = new byte[Chunk];
    private readonly UserBuffer _path;
    private readonly UserBuffer _buffer;
    private readonly Sqe[] _chain;
    private readonly Sqe[] _quiet;
    private readonly FloorRing _floor;
    private ulong? _descriptor;
    private bool _ringRan;
    private bool _directRan;

    /// <summary>Creates <paramref name="path"/> with a 4 KiB pattern through the ring and in <paramref name="direct"/>.</summary>
    public ChainWorkload(IoRing ring, INamespace direct, string path = "/bench.dat")
    {
        ArgumentNullException.ThrowIfNull(ring);
        _ring = ring;
        _direct = direct ?? throw new ArgumentNullException(nameof(direct));
        _pathBytes = Encoding.UTF8.GetBytes(path);
        _path = ring.Memory.Put(_pathBytes);
        _buffer = ring.Memory.Reserve(Chunk * 2);
        _chain =
        [
            Sqes.Open(_path, (ulong)Flags, save: Reg.R0, link: SqeLink.Link, data: 1),
            Sqes.Read(Reg.R0, _buffer.Address, Chunk, save: Reg.R1, link: SqeLink.Link, data: 2),
            Sqes.Seek(Reg.R0, Chunk, (ulong)Whence.Set, link: SqeLink.Link, data: 3),
            Sqes.Write(Reg.R0, _buffer.Address, Reg.R1, link: SqeLink.Link, data: 4),
            Sqes.Close(Reg.R0, data: 5),
        ];
        _quiet = [.. _chain.Select((sqe, i) => i < _chain.Length - 1 ? sqe.WithSkipSuccess() : sqe)];
        _floor = new FloorRing(direct, ring.Memory);
        Seed();
    }

    /// <summary>The chain as five linked SQEs in one enter.</summary>
    public void Chain()
    {
        for (var i = 0; i < _chain.Length; i++)
        {
            _ring.Push(in _chain[i]);
        }

        _ringRan = true;
        WorkloadChecks.Entered(_ring.Enter(5, 5), 5);
        var fd = _ring.ExpectCqe(Op.Open, 1, null);
        _ring.ExpectCqe(Op.Read, 2, Chunk);
        _ring.ExpectCqe(Op.Seek, 3, Chunk);
        _ring.ExpectCqe(Op.Write, 4, Chunk);
        _ring.ExpectCqe(Op.Close, 5, 0);
        CheckDescriptor(fd);
    }

    /// <summary>
    /// The chain with SKIP_SUCCESS on its first four steps: one enter, one CQE (the close's). The four quiet steps'
    /// results are checked in the registers they saved (r0 the descriptor, r1 the byte count).
    /// </summary>
    public void SkipChain()
    {
        for (var i = 0; i < _quiet.Length; i++)
        {
            _ring.Push(in _quiet[i]);
        }

        _ringRan = true;
        WorkloadChecks.Entered(_ring.Enter(5, 1), 5);
        _ring.ExpectCqe(Op.Close, 5, 0);
        if (_ring.TryPop(out var extra))
        {
            throw new BenchmarkCheckException($"a quiet step posted a CQE: op {extra.Op}, data {extra.Data}, errno {(Errno)extra.Error}");
        }

        if (_ring.Registers[1] != Chunk)
        {
            throw new BenchmarkCheckException($"the quiet READ saved {_ring.Registers[1]}, not {Chunk}");
        }

        CheckDescriptor(_ring.Registers[0]);
    }

    /// <summary>
    /// The skip chain on a <see cref="FloorRing"/> over the direct calls' namespace: what any ring costs at the least,
    /// checked as <see cref="SkipChain"/> is (one CQE, the close's; r0 the descriptor, r1 the byte count).
    /// </summary>
    public void Floor()
    {
        for (var i = 0; i < _quiet.Length; i++)
        {
            _floor.Push(in _quiet[i]);
        }

        _directRan = true; // it writes the direct side's file
        if (_floor.Enter() != 5 || !_floor.TryPop(out var cqe) || cqe.Op != (uint)Op.Close || cqe.Data != 5 || cqe.Error != 0 || _floor.TryPop(out _))
        {
            throw new BenchmarkCheckException("the floor ring did not run the skip chain to one CQE, the close's, without an error");
        }

        if (_floor.Registers[1] != Chunk)
        {
            throw new BenchmarkCheckException($"the floor ring's READ saved {_floor.Registers[1]}, not {Chunk}");
        }
    }

    /// <summary>The same five as synchronous single calls: one enter each, the descriptor carried by user space.</summary>
    public void SingleCalls()
    {
        _ringRan = true;
        var fd = _ring.Single(Sqes.Open(_path, (ulong)Flags, data: 1), Op.Open, null);
        CheckDescriptor(fd);
        _ring.Single(Sqes.Read(fd, _buffer.Address, Chunk, data: 2), Op.Read, Chunk);
        _ring.Single(Sqes.Seek(fd, Chunk, (ulong)Whence.Set, data: 3), Op.Seek, Chunk);
        _ring.Single(Sqes.Write(fd, _buffer.Address, Chunk, data: 4), Op.Write, Chunk);
        _ring.Single(Sqes.Close(fd, data: 5), Op.Close, 0);
    }

    /// <summary>The five operations called directly on the namespace's objects: no ring at all.</summary>
    public void Direct()
    {
        _directRan = true;
        Check(_direct.Open(_direct.Root, _pathBytes, Flags, out var node), "direct open");
        try
        {
            Check(node.Read(0, _directBuffer, out var read), "direct read");
            var position = (long)Chunk; // the seek
            Check(node.Write(position, _directBuffer.AsSpan(0, read), append: false, out var written, out _), "direct write");
            if (read != Chunk || written != Chunk)
            {
                throw new BenchmarkCheckException($"direct calls moved {read} and {written} bytes, not {Chunk}");
            }
        }
        finally
        {
            node.Release(); // the close
        }
    }

    /// <summary>
    /// Checks that the file on each side that ran is the pattern twice over (every run wrote the first half to the
    /// second). In-process the two sides are one file.
    /// </summary>
    public void Verify()
    {
        if (_directRan)
        {
            VerifyDirect();
        }

        if (_ringRan)
        {
            VerifyRing();
        }
    }

    private void VerifyDirect()
    {
        Check(_direct.Open(_direct.Root, _pathBytes, OpenFlags.Read, out var node), "verify open");
        var bytes = new byte[Chunk * 2];
        try
        {
            Check(node.Read(0, bytes, out var read), "verify read");
            if (read != bytes.Length)
            {
                throw new BenchmarkCheckException($"the direct file holds {read} bytes, not {Chunk * 2}: the direct calls did not write");
            }

            CheckPattern(bytes, "direct namespace");
        }
        finally
        {
            node.Release();
        }
    }

    private void VerifyRing()
    {
        var fd = _ring.Single(Sqes.Open(_path, (ulong)OpenFlags.Read, data: 1), Op.Open, null);
        var length = _ring.Single(Sqes.Read(fd, _buffer.Address, Chunk * 2, data: 2), Op.Read, null);
        _ring.Single(Sqes.Close(fd, data: 3), Op.Close, 0);
        if (length != Chunk * 2)
        {
            throw new BenchmarkCheckException($"the ring's file holds {length} bytes, not {Chunk * 2}: the chain did not write");
        }

        CheckPattern(_ring.Memory.At(_buffer.Address, Chunk * 2), "ring");
    }

    private static byte PatternAt(int i) => (byte)((i * 31) + 7);

    private static void CheckPattern(ReadOnlySpan<byte> bytes, string side)
    {
        for (var i = 0; i < bytes.Length; i++)
        {
            if (bytes[i] != PatternAt(i % Chunk))
            {
                throw new BenchmarkCheckException($"the {side} file differs from the pattern at byte {i}");
            }
        }
    }

    private static void Check(Errno error, string what)
    {
        if (error != Errno.OK)
        {
            throw new BenchmarkCheckException($"{what} failed: {error}");
        }
    }

    /// <summary>
    /// Each run closes what it opened, so every OPEN gets the descriptor the first one got (the lowest free): any
    /// other value means a descriptor leaked or OPEN answered with something that is not one.
    /// </summary>
    private void CheckDescriptor(ulong fd)
    {
        _descriptor ??= fd;
        if (fd != _descriptor)
        {
            throw new BenchmarkCheckException($"OPEN returned {fd}, but every run before got descriptor {_descriptor}: a descriptor leaked");
        }
    }

    private void Seed()
    {
        var pattern = new byte[Chunk];
        for (var i = 0; i < Chunk; i++)
        {
            pattern[i] = PatternAt(i);
        }

        Check(_direct.Open(_direct.Root, _pathBytes, OpenFlags.Write | OpenFlags.Create | OpenFlags.Truncate, out var node), "seed open");
        Check(node.Write(0, pattern, append: false, out _, out _), "seed write");
        node.Release();

        pattern.CopyTo(_ring.Memory.At(_buffer.Address, Chunk));
        var create = OpenFlags.Write | OpenFlags.Create | OpenFlags.Truncate;
        var fd = _ring.Single(Sqes.Open(_path, (ulong)create, data: 1), Op.Open, null);
        _ring.Single(Sqes.Write(fd, _buffer.Address, Chunk, data: 2), Op.Write, Chunk);
        _ring.Single(Sqes.Close(fd, data: 3), Op.Close, 0);
    }
}
