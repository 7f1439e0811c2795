using VerbRing.Registers;
using VerbRing.Verbs;

namespace VerbRing.Tooling.Fuzzing;

/// <summary>
/// Random SQEs for one round: mostly well-shaped for every op 0–11 (so that chains open, read, write, pipe, poll,
/// cancel, loop and add for real; now and then quiet with SKIP_SUCCESS or a DRAIN head; a LOOP is followed by a body
/// of quiet linked members, usually well-formed), some garbage (unknown ops, reserved flag bits, wild arguments), and
/// mutations of SQEs it made before (bits flipped, arguments swapped, an op exchanged). Descriptors come as immediates or as register loads
/// with a modifier; addresses and counts cluster at and around every edge of user memory.
/// </summary>
internal sealed class SqeGenerator
{
    private const ulong Base = RingLayout.UserBase;
    private const ulong End = FuzzPaths.End;

    private static readonly ulong[] Addresses =
    [
        0, 1, Base - 1, Base, Base + 1, FuzzPaths.DataStart, End - 100, End - 8, End - 1, End, End + 1,
        ulong.MaxValue, ulong.MaxValue - 7, Base + FuzzPaths.UserMemory / 2, 1UL << 63,
    ];

    private static readonly ulong[] Counts =
    [
        0, 1, 7, 63, 64, 65, 100, 4096, FuzzPaths.UserMemory, FuzzPaths.UserMemory + 1, int.MaxValue, (ulong)int.MaxValue + 1, ulong.MaxValue,
    ];

    private static readonly ulong[] Offsets = [Abi.OffCur, 0, 1, 5, 4096, 1UL << 20, (1UL << 20) + 1, 1UL << 40, unchecked((ulong)-2L), long.MaxValue];

    private static readonly ulong[] JunkDescriptors = [Abi.FdNone, 63, 1UL << 32, 1UL << 33, ulong.MaxValue - 1];

    private static readonly ulong[] PathLengths = [0, Abi.MaxPath, Abi.MaxPath + 1, ulong.MaxValue];

    private static readonly ulong[] EdgeGaps = [0, 1, 7, 64, 100];

    private static readonly ulong[] Timeouts = [1_000_000, 5_000_000, 50_000_000, 1_000_000_000, 1, 1UL << 40, 1UL << 62];

    private static readonly OpenFlags[] GoodOpenFlags =
    [
        OpenFlags.Read, OpenFlags.Write, OpenFlags.Read | OpenFlags.Write, OpenFlags.Read | OpenFlags.Write | OpenFlags.Create,
        OpenFlags.Write | OpenFlags.Create | OpenFlags.Truncate, OpenFlags.Write | OpenFlags.Append,
        OpenFlags.Read | OpenFlags.Write | OpenFlags.Create | OpenFlags.Exclusive, OpenFlags.Write | OpenFlags.Create | OpenFlags.Append,
    ];

    private readonly Random _random;
    private readonly FuzzPaths _paths;
    private readonly int _maxDescriptors;
    private readonly Sqe[] _history = new Sqe[64];
    private int _made;
    private int _bodyLeft; // members of a LOOP's body still to make

    public SqeGenerator(Random random, FuzzPaths paths, int maxDescriptors)
    {
        _random = random;
        _paths = paths;
        _maxDescriptors = maxDescriptors;
    }

    /// <summary>The next SQE; <paramref name="nextData"/> is the data it will carry (CANCEL aims near it).</summary>
    public Sqe Next(ulong nextData)
    {
        var roll = _random.Next(100);
        var sqe = roll < 72 || _made == 0 ? WellShaped(nextData)
            : roll < 84 ? Garbage()
            : Mutate(_history[_random.Next(Math.Min(_made, _history.Length))]);
        _history[_made++ % _history.Length] = sqe;
        return sqe;
    }

    /// <summary>A register value user space might write: descriptors, pipe pairs, addresses, counts, ERR, junk.</summary>
    public ulong RegisterValue() => _random.Next(8) switch
    {
        0 => (ulong)_random.Next(_maxDescriptors + 2),
        1 => (uint)_random.Next(_maxDescriptors) | ((ulong)(uint)_random.Next(_maxDescriptors) << 32),
        2 => _paths.Pick(_random).Address,
        3 => (ulong)_random.Next(600),
        4 => Abi.Err,
        5 => FuzzPaths.DataStart + (ulong)_random.Next((int)(End - FuzzPaths.DataStart)),
        6 => Pick(Addresses),
        _ => NextUlong(),
    };

    private Sqe WellShaped(ulong nextData)
    {
        var inBody = _bodyLeft > 0;
        var op = (Op)_random.Next(inBody ? 10 : 12);
        op = inBody && op == Op.Cancel ? Op.Add : op;
        var sqe = new Sqe { Op = (uint)op, Timeout = Timeout(), Flags = LinkBits() | Specifier(save: true) | ExtensionBits() };
        switch (op)
        {
            case Op.Loop:
                Loop(ref sqe);
                break;
            case Op.Add:
                sqe.Arg0 = (ulong)_random.Next(100);
                sqe.Arg1 = _random.Next(10) == 0 ? Abi.Err - (ulong)_random.Next(3) : (ulong)_random.Next(100);
                break;
            case Op.Read or Op.Write:
                Fd(ref sqe);
                (sqe.Arg1, sqe.Arg2) = BufferAndCount();
                sqe.Arg3 = _random.Next(3) == 0 ? Pick(Offsets) : Abi.OffCur;
                break;
            case Op.Poll:
                Fd(ref sqe);
                sqe.Arg1 = _random.Next(8) == 0 ? (ulong)_random.Next(64) : (ulong)_random.Next(1, 32);
                break;
            case Op.Open:
                Open(ref sqe);
                break;
            case Op.Close or Op.Fsync:
                Fd(ref sqe);
                break;
            case Op.Seek:
                Fd(ref sqe);
                sqe.Arg3 = _random.Next(4) switch
                {
                    0 => Pick(Offsets),
                    1 => unchecked((ulong)-(long)_random.Next(1, 200)),
                    _ => (ulong)_random.Next(300),
                };
                sqe.Arg4 = _random.Next(8) == 0 ? (ulong)_random.Next(5) : (ulong)_random.Next(1, 4);
                break;
            case Op.Cancel:
                // Aim at what is likely pending: recent data, the SQEs of this very batch, now and then anything.
                sqe.Arg0 = _random.Next(10) switch
                {
                    0 => NextUlong(),
                    < 3 => nextData + (ulong)_random.Next(1, 6),
                    _ => nextData - (ulong)_random.Next(1, 129),
                };
                sqe.Arg1 = _random.Next(10) == 0 ? (ulong)_random.Next(4) : (ulong)_random.Next(1, 3);
                break;
        }

        LoadSomeArguments(ref sqe, op);
        if (inBody)
        {
            Member(ref sqe);
        }

        return sqe;
    }

    /// <summary>A LOOP: a condition on a register (or a constant), a small bound, a body of 1–3 (now and then a bad shape).</summary>
    private void Loop(ref Sqe sqe)
    {
        sqe.Flags = (sqe.Flags & ~(SqeFlags.Link | SqeFlags.HardLink | SqeFlags.SkipSuccess)) | (_random.Next(2) == 0 ? SqeFlags.Link : SqeFlags.HardLink);
        sqe.Flags = WithLoad(sqe.Flags, 0, _random.Next(7));
        sqe.Arg1 = _random.Next(12) == 0 ? (ulong)_random.Next(9) : (ulong)_random.Next(1, 7);
        sqe.Arg2 = (ulong)_random.Next(4);
        sqe.Arg3 = _random.Next(12) == 0 ? Pick([0UL, Abi.MaxLoopIterations + 1, ulong.MaxValue]) : (ulong)_random.Next(1, 9);
        var body = _random.Next(12) == 0 ? (ulong)_random.Next(0, 20) : (ulong)_random.Next(1, 4);
        sqe.Arg4 = body;
        sqe.Timeout = _random.Next(4) == 0 ? Timeout() : 0;
        _bodyLeft = (int)Math.Min(body, 3);
    }

    /// <summary>A member of the body being made: quiet, linked to the next member (the last one now and then not).</summary>
    private void Member(ref Sqe sqe)
    {
        _bodyLeft--;
        sqe.Flags &= ~SqeFlags.Drain;
        if (_random.Next(15) != 0)
        {
            sqe.Flags |= SqeFlags.SkipSuccess;
        }

        if ((_bodyLeft > 0 || _random.Next(2) == 0) && !SqeFlags.IsLinked(sqe.Flags))
        {
            sqe.Flags |= _random.Next(4) == 0 ? SqeFlags.HardLink : SqeFlags.Link;
        }
    }

    /// <summary>VerbRing's extension bits on a well-shaped SQE: SKIP_SUCCESS now and then, DRAIN rarely.</summary>
    private uint ExtensionBits() =>
        (_random.Next(6) == 0 ? SqeFlags.SkipSuccess : 0) | (_random.Next(20) == 0 ? SqeFlags.Drain : 0);

    private void Open(ref Sqe sqe)
    {
        if (_random.Next(3) == 0)
        {
            Fd(ref sqe); // a dirfd (or junk)
        }
        else
        {
            sqe.Arg0 = Abi.FdNone;
        }

        var path = _paths.Pick(_random);
        sqe.Arg1 = path.Address;
        sqe.Arg2 = _random.Next(12) switch
        {
            0 => path.Length + 1,
            1 => (ulong)_random.Next((int)path.Length + 1),
            2 => Pick(PathLengths),
            _ => path.Length,
        };
        if (_random.Next(16) == 0)
        {
            sqe.Arg1 = Pick(Addresses); // a path at an edge, or off it
        }

        sqe.Arg3 = _random.Next(6) == 0 ? (ulong)_random.Next(128) : (ulong)Pick(GoodOpenFlags);
    }

    /// <summary>A descriptor operand: an immediate (mostly a plausible one), or a register load with a modifier.</summary>
    private void Fd(ref Sqe sqe)
    {
        var roll = _random.Next(100);
        if (roll < 55)
        {
            sqe.Arg0 = (ulong)_random.Next(_maxDescriptors + 2);
        }
        else if (roll < 85)
        {
            sqe.Flags = WithLoad(sqe.Flags, 0, _random.Next(7));
            sqe.Arg0 = _random.Next(12) switch
            {
                0 => (ulong)_random.Next(3, 9), // an unknown modifier: EINVAL
                < 4 => (ulong)LoadModifier.Whole,
                < 8 => (ulong)LoadModifier.Low32,
                _ => (ulong)LoadModifier.High32,
            };
        }
        else
        {
            sqe.Arg0 = _random.Next(6) == 0 ? NextUlong() : Pick(JunkDescriptors);
        }
    }

    private (ulong Address, ulong Count) BufferAndCount()
    {
        switch (_random.Next(10))
        {
            case < 6:
                var start = FuzzPaths.DataStart + (ulong)_random.Next((int)(End - FuzzPaths.DataStart));
                return (start, (ulong)_random.Next(Math.Min(600, (int)(End - start) + 2)));
            case < 8:
                var k = Pick(EdgeGaps);
                return (End - k, k + (ulong)_random.Next(2)); // exactly to the edge, or one past it
            case 8:
                return (Pick(Addresses), Pick(Counts));
            default:
                return (Base + (ulong)_random.Next((int)FuzzPaths.UserMemory), (ulong)_random.Next(200)); // paths too
        }
    }

    /// <summary>Now and then an argument other than the descriptor comes from a register (a count, an address).</summary>
    private void LoadSomeArguments(ref Sqe sqe, Op op)
    {
        for (var arg = 1; arg < 5; arg++)
        {
            if (_random.Next(14) == 0)
            {
                sqe.Flags = WithLoad(sqe.Flags, arg, _random.Next(7));
                SetArg(ref sqe, arg, _random.Next(6) == 0 ? (ulong)LoadModifier.Low32 : (ulong)LoadModifier.Whole);
            }
        }

        if (op == Op.Cancel && _random.Next(8) == 0)
        {
            sqe.Flags = WithLoad(sqe.Flags, 0, _random.Next(7));
            sqe.Arg0 = (ulong)LoadModifier.Whole;
        }

        if (_random.Next(50) == 0)
        {
            sqe.Flags |= (uint)_random.Next(1, 1024) << 22; // reserved bits: EINVAL
        }
    }

    private Sqe Garbage() => new()
    {
        Op = _random.Next(4) == 0 ? (uint)NextUlong() : (uint)_random.Next(14),
        Flags = _random.Next(3) == 0 ? (uint)NextUlong() : LinkBits() | Specifier(save: true) | (uint)_random.Next(1 << 15),
        Timeout = _random.Next(4) == 0 ? Timeout() : 0,
        Arg0 = Wild(),
        Arg1 = Wild(),
        Arg2 = Wild(),
        Arg3 = Wild(),
        Arg4 = Wild(),
    };

    private Sqe Mutate(Sqe sqe)
    {
        for (var i = _random.Next(1, 4); i > 0; i--)
        {
            switch (_random.Next(8))
            {
                case 0:
                    sqe.Op = _random.Next(4) == 0 ? sqe.Op ^ (1u << _random.Next(32)) : (uint)_random.Next(10);
                    break;
                case 1:
                    sqe.Flags ^= 1u << _random.Next(22);
                    break;
                case 2:
                    var arg = _random.Next(5);
                    SetArg(ref sqe, arg, sqe.Arg(arg) ^ (1UL << _random.Next(64)));
                    break;
                case 3:
                    var (a, b) = (_random.Next(5), _random.Next(5));
                    var (va, vb) = (sqe.Arg(a), sqe.Arg(b));
                    SetArg(ref sqe, a, vb);
                    SetArg(ref sqe, b, va);
                    break;
                case 4:
                    SetArg(ref sqe, _random.Next(5), _random.Next(2) == 0 ? Pick(Addresses) : Pick(Counts));
                    break;
                case 5:
                    sqe.Timeout = _random.Next(2) == 0 ? 0 : Timeout();
                    break;
                case 6:
                    sqe.Flags = (sqe.Flags & ~(SqeFlags.Link | SqeFlags.HardLink)) | LinkBits();
                    break;
                default:
                    sqe.Flags = WithLoad(sqe.Flags, _random.Next(6), _random.Next(8));
                    break;
            }
        }

        return sqe;
    }

    private ulong Timeout() => _random.Next(10) switch
    {
        < 6 => 0,
        6 => ulong.MaxValue,
        7 => (ulong)_random.Next(1, 30) * 1_000_000,
        _ => Pick(Timeouts),
    };

    private uint LinkBits() => _random.Next(20) switch
    {
        < 9 => 0,
        < 14 => SqeFlags.Link,
        < 19 => SqeFlags.HardLink,
        _ => SqeFlags.Link | SqeFlags.HardLink,
    };

    /// <summary>Every load specifier none; the save specifier a register about half the time.</summary>
    private uint Specifier(bool save)
    {
        var saveTo = save && _random.Next(2) == 0 ? (uint)_random.Next(7) : SqeFlags.RegNone;
        return (SqeFlags.None & ~(SqeFlags.RegMask << SqeFlags.SaveShift)) | (saveTo << SqeFlags.SaveShift);
    }

    private static uint WithLoad(uint flags, int slot, int register)
    {
        var shift = slot == 5 ? SqeFlags.SaveShift : SqeFlags.LoadShift(slot);
        return (flags & ~(SqeFlags.RegMask << shift)) | ((uint)register << shift);
    }

    private static void SetArg(ref Sqe sqe, int arg, ulong value)
    {
        switch (arg)
        {
            case 0: sqe.Arg0 = value; break;
            case 1: sqe.Arg1 = value; break;
            case 2: sqe.Arg2 = value; break;
            case 3: sqe.Arg3 = value; break;
            default: sqe.Arg4 = value; break;
        }
    }

    private ulong Wild() => _random.Next(3) switch
    {
        0 => Pick(Addresses),
        1 => (ulong)_random.Next(_maxDescriptors + 2),
        _ => NextUlong(),
    };

    private ulong NextUlong() => (ulong)_random.NextInt64() ^ ((ulong)_random.Next(2) << 63);

    private T Pick<T>(T[] values) => values[_random.Next(values.Length)];
}
