using System.Runtime.InteropServices;
using VerbRing.Kernel;
using VerbRing.Kernel.Namespaces;
using VerbRing.Registers;
using VerbRing.Verbs;
using VerbRing.Verbs.Time;

namespace VerbRing.Tooling.Fuzzing.Coverage;

/// <summary>
/// The coverage-guided fuzzer's second target: any bytes, read as what user space does to a ring — push raw SQEs,
/// enter, move the clock, write registers and user memory — on an in-process kernel over a fresh
/// <see cref="MemoryNamespace"/> and a <see cref="ManualClock"/>. After every enter and clock move, the round's
/// <see cref="CompletionOracle"/> checks every CQE (each consumed SQE completes exactly once, with its own op, in
/// link order) and the registers, and the kernel's own bookkeeping (<see cref="RingKernel.FindInconsistencies"/>)
/// must be empty; at the end everything is cancelled and drained, and teardown must leave nothing behind. Any
/// exception out of the kernel, or a broken check (<see cref="CoverageFinding"/>), is a crash for the fuzzer.
/// </summary>
/// <remarks>
/// The input's first byte shapes the ring (<see cref="OptionsOf"/>); then records, each opened by a command byte
/// (<see cref="Command"/>, taken modulo 8). Data values are 0, 1, 2, … in push order, so that a CANCEL's small tag
/// hits them. <see cref="SqeStreamSeeds"/> writes linked programs in this form.
/// </remarks>
internal sealed partial class SqeStreamTarget
{
    /// <summary>User memory of every ring (addresses from <see cref="RingLayout.UserBase"/>).</summary>
    public const uint UserMemory = 16 * 1024;

    private const int MaxStalls = 10;

    private readonly byte[] _input;
    private readonly ManualClock _clock = new();
    private readonly ulong[] _before = new ulong[RegisterFile.Count];
    private readonly bool[] _mayChange = new bool[RegisterFile.Count];
    private readonly CompletionOracle _oracle;
    private readonly FuzzRing _ring;
    private int _at = 1;
    private bool _backlogPossible;
    private bool _wedged;
    private Errno _lastEnter;
    private long _consumed;
    private long _enters;

    private SqeStreamTarget(byte[] input)
    {
        _input = input;
        var factory = RingFactory.CreateDefault(fileSystem: new MemoryNamespace(1 << 20), time: _clock);
        _ring = FuzzRing.Create(KernelPlacement.InProcess, factory, OptionsOf(input.Length > 0 ? input[0] : (byte)0), socketFolder: "");
        _oracle = new CompletionOracle(0, new ulong[RegisterFile.Count]);
    }

    /// <summary>What a record does.</summary>
    public enum Command : byte
    {
        /// <summary>Push the next 64 bytes (zero-padded) as an SQE; its data field becomes the next data value.</summary>
        Push = 0,

        /// <summary>Enter: the next byte is the amount (255: UINT32_MAX, may exceed what is queued).</summary>
        Enter = 3,

        /// <summary>Clock: the next byte t moves it 4·t² µs (255: to the next armed timer).</summary>
        Clock = 4,

        /// <summary>Register write: a byte (register, modulo 7), then 8 bytes of value (little-endian).</summary>
        Register = 5,

        /// <summary>Memory write: 2 bytes of offset (modulo the user memory), a length byte, then that many bytes.</summary>
        Memory = 6,

        /// <summary>Enter everything queued.</summary>
        EnterAll = 7,
    }

    /// <summary>Runs one input through every check; throws on a finding, returns what it did otherwise.</summary>
    public static SqeStreamRun Run(ReadOnlySpan<byte> input)
    {
        var target = new SqeStreamTarget(input.ToArray());
        try
        {
            return target.RunChecked();
        }
        finally
        {
            target._ring.Dispose();
        }
    }

    /// <summary>The ring of the first byte: SQ 16 or 32, CQ 4–64, 4 or 8 descriptors, a tight or a roomy in-flight limit.</summary>
    public static RingOptions OptionsOf(byte shape) => new()
    {
        SqEntries = (shape & 1) == 0 ? 32u : 16u,
        CqEntries = 64u >> (shape >> 1 & 7) % 5,
        MaxDescriptors = (shape & 0x10) == 0 ? 8 : 4,
        MaxInFlight = (shape & 0x20) == 0 ? 128 : 8,
        PipeCapacity = (shape & 0x40) == 0 ? 64 : 16,
        UserMemorySize = UserMemory,
    };

    private SqeStreamRun RunChecked()
    {
        while (_at < _input.Length)
        {
            var command = (Command)(Next() % 8);
            switch (command)
            {
                case Command.Enter:
                    Enter(Next() is var amount && amount == 255 ? uint.MaxValue : amount);
                    break;
                case Command.Clock:
                    MoveClock(Next() is var t && t == 255 ? null : TimeSpan.FromMicroseconds(4 * t * t));
                    break;
                case Command.Register:
                    WriteRegister(Next() % RegisterFile.Count, MemoryMarshal.Read<ulong>(Take(8)));
                    break;
                case Command.Memory:
                    WriteMemory(MemoryMarshal.Read<ushort>(Take(2)) % UserMemory, Take(Next()));
                    break;
                case Command.EnterAll:
                    Enter(_ring.Ring.SqPending);
                    break;
                default:
                    Push(MemoryMarshal.Read<Sqe>(Take(Sqe.Size)));
                    break;
            }
        }

        Drain();
        if (!_wedged)
        {
            Fail(_oracle.CheckAllCompleted());
        }

        Fail(_ring.TearDown(_clock));
        return new SqeStreamRun(_consumed, _enters, _wedged);
    }

    private byte Next() => _at < _input.Length ? _input[_at++] : (byte)0;

    /// <summary>The next <paramref name="count"/> bytes, zero-padded past the end of the input.</summary>
    private ReadOnlySpan<byte> Take(int count)
    {
        var bytes = new byte[count];
        var available = Math.Clamp(_input.Length - _at, 0, count);
        _input.AsSpan(_at, available).CopyTo(bytes);
        _at += available;
        return bytes;
    }

    private void Push(Sqe sqe)
    {
        if (_ring.Ring.SqSpace > 0)
        {
            _ring.Ring.Push(_oracle.Push(sqe));
        }
    }

    /// <summary>User space writes a register, unless a save into it may be waiting in the backlog (the oracle could not order the two).</summary>
    private void WriteRegister(int register, ulong value)
    {
        if (!_oracle.HasSaver(register) || !_backlogPossible)
        {
            _ring.Ring.Registers[register] = value;
            _oracle.UserWrote(register, value);
        }
    }

    private void WriteMemory(uint offset, ReadOnlySpan<byte> bytes)
    {
        var length = (uint)Math.Min(bytes.Length, UserMemory - offset);
        bytes[..(int)length].CopyTo(_ring.Ring.Memory.At(RingLayout.UserBase + offset, length));
    }

    private static void Fail(string? problem)
    {
        if (problem is not null)
        {
            throw new CoverageFinding(problem);
        }
    }
}
