using VerbRing.Registers;
using VerbRing.Verbs;

namespace VerbRing.Tooling.Benchmarking;

/// <summary>
/// Copying one file to another four ways: <c>examples/copy-all.vr</c>'s chain in one enter (a LOOP reads a block and
/// writes it until READ returns 0), the same reads and writes as single enters (user space carries descriptors and
/// counts and decides when to stop), and — on the host files the ring's namespace serves — <see cref="Stream.CopyTo(Stream, int)"/>
/// and <see cref="File.Copy(string, string, bool)"/>. The ring runs check what they copied (iterations, counts) from
/// what they already have; <see cref="Verify"/> compares the bytes after any of them.
/// </summary>
internal sealed class CopyWorkload
{
    /// <summary>The block each READ and WRITE moves, and the stream copy's buffer.</summary>
    public const int Block = 64 * 1024;

    /// <summary>User memory a ring needs for this workload (the block, the paths).</summary>
    public const uint UserMemory = Block + 4096;

    private readonly IoRing _ring;
    private readonly string _hostIn;
    private readonly string _hostOut;
    private readonly long _size;
    private readonly UserBuffer _in;
    private readonly UserBuffer _out;
    private readonly UserBuffer _buffer;
    private readonly Sqe[] _copyAll;

    /// <summary>
    /// A copy of <paramref name="size"/> bytes from <c>/in.bin</c> to <c>/out.bin</c> in the folder
    /// <paramref name="hostFolder"/>, which <paramref name="ring"/>'s namespace serves as <c>/</c>.
    /// </summary>
    public CopyWorkload(IoRing ring, string hostFolder, long size)
    {
        ArgumentNullException.ThrowIfNull(ring);
        _ring = ring;
        _size = size;
        _hostIn = Path.Combine(hostFolder, "in.bin");
        _hostOut = Path.Combine(hostFolder, "out.bin");
        var pattern = new byte[size];
        new Random(19).NextBytes(pattern);
        File.WriteAllBytes(_hostIn, pattern);
        _in = ring.Memory.Put("/in.bin");
        _out = ring.Memory.Put("/out.bin");
        _buffer = ring.Memory.Reserve(Block, 64);
        const OpenFlags create = OpenFlags.Write | OpenFlags.Create | OpenFlags.Truncate;
        _copyAll =
        [
            Sqes.Open(_in, (ulong)OpenFlags.Read, save: Reg.R0, link: SqeLink.Link, data: 1).WithSkipSuccess(),
            Sqes.Open(_out, (ulong)create, save: Reg.R1, link: SqeLink.Link, data: 2).WithSkipSuccess(),
            Sqes.Loop(Reg.R2, LoopCompare.Ne, 0, Abi.MaxLoopIterations, 2, save: Reg.R3, link: SqeLink.HardLink, data: 3).WithSkipSuccess(),
            Sqes.Read(Reg.R0, _buffer.Address, Block, save: Reg.R2, link: SqeLink.Link, data: 4).WithSkipSuccess(),
            Sqes.Write(Reg.R1, _buffer.Address, Reg.R2, link: SqeLink.Link, data: 5).WithSkipSuccess(),
            Sqes.Close(Reg.R0, link: SqeLink.HardLink, data: 6).WithSkipSuccess(),
            Sqes.Close(Reg.R1, data: 7),
        ];
    }

    /// <summary>The whole copy in one enter: seven SQEs, one CQE (the last close's).</summary>
    public void CopyAll()
    {
        _ring.Registers[2] = 1; // "not at end of file yet"
        foreach (ref readonly var sqe in _copyAll.AsSpan())
        {
            _ring.Push(in sqe);
        }

        WorkloadChecks.Entered(_ring.Enter((uint)_copyAll.Length, 1), (uint)_copyAll.Length);
        _ring.ExpectCqe(Op.Close, 7, 0);
        if (_ring.TryPop(out var extra))
        {
            throw new BenchmarkCheckException($"copy-all posted more than its last close: op {extra.Op}, data {extra.Data}, errno {(Errno)extra.Error}");
        }

        // Every block full or partial took an iteration, and the READ that returned 0 one more.
        var iterations = (ulong)(_size / Block) + (_size % Block != 0 ? 1UL : 0UL) + 1;
        if (_ring.Registers[3] != iterations)
        {
            throw new BenchmarkCheckException($"copy-all ran {_ring.Registers[3]} iterations; {_size} bytes take {iterations}");
        }
    }

    /// <summary>The same reads and writes as single enters, user space looping until READ returns 0.</summary>
    public void SingleEnters()
    {
        var input = _ring.Single(Sqes.Open(_in, (ulong)OpenFlags.Read, data: 1), Op.Open);
        var output = _ring.Single(Sqes.Open(_out, (ulong)(OpenFlags.Write | OpenFlags.Create | OpenFlags.Truncate), data: 2), Op.Open);
        long copied = 0;
        while (_ring.Single(Sqes.Read(input, _buffer.Address, Block, data: 4), Op.Read) is var read and > 0)
        {
            _ring.Single(Sqes.Write(output, _buffer.Address, read, data: 5), Op.Write);
            copied += (long)read;
        }

        _ring.Single(Sqes.Close(input, data: 6), Op.Close);
        _ring.Single(Sqes.Close(output, data: 7), Op.Close);
        CheckLength(copied, "single enters");
    }

    /// <summary><see cref="Stream.CopyTo(Stream, int)"/> between two <see cref="FileStream"/>s with the same block.</summary>
    public void StreamCopy()
    {
        using (var input = new FileStream(_hostIn, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 0))
        using (var output = new FileStream(_hostOut, FileMode.Create, FileAccess.Write, FileShare.ReadWrite, bufferSize: 0))
        {
            input.CopyTo(output, Block);
        }
    }

    /// <summary><see cref="File.Copy(string, string, bool)"/>, for reference (the runtime may use copy_file_range).</summary>
    public void FileCopy()
    {
        File.Copy(_hostIn, _hostOut, overwrite: true);
    }

    /// <summary>Checks that the last copy's output holds exactly the input's bytes.</summary>
    public void Verify()
    {
        if (!File.ReadAllBytes(_hostOut).AsSpan().SequenceEqual(File.ReadAllBytes(_hostIn)))
        {
            throw new BenchmarkCheckException("/out.bin differs from /in.bin");
        }
    }

    private void CheckLength(long copied, string how)
    {
        if (copied != _size)
        {
            throw new BenchmarkCheckException($"{how} copied {copied} bytes of {_size}");
        }
    }
}
