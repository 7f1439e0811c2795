using System.Runtime.CompilerServices;
using VerbRing.Kernel.Namespaces;
using VerbRing.Registers;
using VerbRing.Verbs;

namespace VerbRing.Tooling.Benchmarking;

/// <summary>
/// A measuring stick, not a kernel: the least any ring must do to run the design card's chain in one enter — copy
/// each SQE out of the submission array, load its register arguments, dispatch on its op, call the same namespace
/// the direct calls call, save the result into a register, follow LINK, and write a CQE for what is not quiet. It
/// leaves out everything VerbRing adds to be safe and observable: no lock or enter gate, no flag, op or policy
/// validation, no per-verb checks beyond what keeps it from crashing, no in-flight bookkeeping, pending, timeouts or
/// traces. The chain benchmarks run it beside the real ring, so "chain ÷ direct" can be read against "floor ÷
/// direct": the part of a chain's cost that is the idea of a ring, and the part that is VerbRing's.
/// </summary>
/// <remarks>
/// It runs OPEN, READ, SEEK (whence SET), WRITE and CLOSE with whole-register loads; anything else completes with
/// EINVAL. Single-threaded and in-process: its "shared" arrays are plain arrays, so it pays no barrier either.
/// </remarks>
internal sealed class FloorRing
{
    private const int Entries = 8;
    private const int MaxFiles = 16;
    private readonly Sqe[] _submissions = new Sqe[Entries];
    private readonly Cqe[] _completions = new Cqe[Entries];
    private readonly ulong[] _registers = new ulong[RegisterFile.Count];
    private readonly INode?[] _files = new INode?[MaxFiles];
    private readonly long[] _positions = new long[MaxFiles];
    private readonly INamespace _namespace;
    private readonly UserMemory _memory;
    private uint _submitted;
    private uint _consumed;
    private uint _posted;
    private uint _popped;

    /// <summary>A floor ring over <paramref name="fileSystem"/>, reading buffers from <paramref name="memory"/>.</summary>
    public FloorRing(INamespace fileSystem, UserMemory memory)
    {
        _namespace = fileSystem;
        _memory = memory;
    }

    /// <summary>The register file (seven 64-bit registers).</summary>
    public ReadOnlySpan<ulong> Registers => _registers;

    /// <summary>Writes <paramref name="sqe"/> into the submission array.</summary>
    public void Push(in Sqe sqe) => _submissions[_submitted++ % Entries] = sqe;

    /// <summary>Runs every submitted SQE; returns how many it ran.</summary>
    public uint Enter()
    {
        var ran = 0u;
        var cancel = false;
        while (_consumed != _submitted)
        {
            var sqe = _submissions[_consumed++ % Entries]; // a copy: the SQE is read once
            ran++;
            Errno error;
            ulong result;
            if (cancel)
            {
                (error, result) = (Errno.ECANCELED, Abi.Err);
            }
            else
            {
                error = Run(in sqe, out result);
                var save = SqeFlags.SaveOf(sqe.Flags);
                if (save != SqeFlags.RegNone)
                {
                    _registers[save] = result;
                }
            }

            if (error != Errno.OK || !SqeFlags.SkipsSuccess(sqe.Flags))
            {
                _completions[_posted++ % Entries] = new Cqe { Op = sqe.Op, Error = (int)error, Data = sqe.Data, Result = result };
            }

            cancel = SqeFlags.IsLinked(sqe.Flags) && (cancel || (error != Errno.OK && (sqe.Flags & SqeFlags.HardLink) == 0));
        }

        return ran;
    }

    /// <summary>Takes the oldest unread CQE, if any.</summary>
    public bool TryPop(out Cqe cqe)
    {
        if (_popped == _posted)
        {
            cqe = default;
            return false;
        }

        cqe = _completions[_popped++ % Entries];
        return true;
    }

    private Errno Run(ref readonly Sqe sqe, out ulong result)
    {
        result = Abi.Err;
        var a0 = Load(sqe.Flags, 0, sqe.Arg0);
        switch ((Op)sqe.Op)
        {
            case Op.Open:
                var error = _namespace.Open(_namespace.Root, Bytes(Load(sqe.Flags, 1, sqe.Arg1), Load(sqe.Flags, 2, sqe.Arg2)), (OpenFlags)Load(sqe.Flags, 3, sqe.Arg3), out var node);
                if (error == Errno.OK)
                {
                    var fd = Array.IndexOf(_files, null);
                    if (fd < 0)
                    {
                        node.Release();
                        return Errno.EMFILE;
                    }

                    _files[fd] = node;
                    _positions[fd] = 0;
                    result = (ulong)fd;
                }

                return error;
            case Op.Read when a0 < MaxFiles && _files[a0] is { } file:
                error = file.Read(_positions[a0], Bytes(Load(sqe.Flags, 1, sqe.Arg1), Load(sqe.Flags, 2, sqe.Arg2)), out var read);
                _positions[a0] += read;
                result = (ulong)read;
                return error;
            case Op.Seek when a0 < MaxFiles && _files[a0] is not null:
                _positions[a0] = (long)Load(sqe.Flags, 3, sqe.Arg3);
                result = (ulong)_positions[a0];
                return Errno.OK;
            case Op.Write when a0 < MaxFiles && _files[a0] is { } file:
                error = file.Write(_positions[a0], Bytes(Load(sqe.Flags, 1, sqe.Arg1), Load(sqe.Flags, 2, sqe.Arg2)), append: false, out var written, out var end);
                _positions[a0] = end;
                result = (ulong)written;
                return error;
            case Op.Close when a0 < MaxFiles && _files[a0] is { } file:
                _files[a0] = null;
                file.Release();
                result = 0;
                return Errno.OK;
            default:
                return Errno.EINVAL;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ulong Load(uint flags, int arg, ulong immediate)
    {
        var register = SqeFlags.LoadOf(flags, arg);
        return register == SqeFlags.RegNone ? immediate : _registers[register];
    }

    private Span<byte> Bytes(ulong address, ulong count) => _memory.At(address, (uint)count);
}
