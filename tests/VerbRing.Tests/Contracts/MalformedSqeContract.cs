using VerbRing.Registers;
using VerbRing.Tests.Infrastructure;
using VerbRing.Verbs;

namespace VerbRing.Tests.Contracts;

/// <summary>
/// What user space can get wrong in one SQE, each answered by one CQE with its errno and never an exception:
/// reserved bits, unknown ops, addresses at every edge of user memory (overflow included), closed descriptors,
/// long paths, '..' above the root.
/// </summary>
public abstract class MalformedSqeContract : KernelContract
{
    private const ulong Base = RingLayout.UserBase;

    public enum Case
    {
        ReservedBit22,
        ReservedBit31,
        AllReservedBits,
        UnknownOp99,
        UnknownOpHuge,
        ReadBufferZero,
        ReadBufferBelowBase,
        ReadBufferOneBelowBase,
        ReadBufferEndsOnePastEnd,
        ReadBufferStartsAtEnd,
        ReadBufferFarAbove,
        ReadAddressOverflow,
        ReadCountOverflow,
        ReadCountHuge,
        WriteAddressMax,
        ReadClosedFd,
        ReadFdMax,
        CloseClosedFd,
        SeekClosedFd,
        OpenPathTooLong,
        OpenPathLengthHuge,
        OpenPathAddressOverflow,
        OpenDotDotAboveRootMissing,
        FlagsZeroLoadsR0Everywhere,
        UnknownLoadModifier,
    }

    public static TheoryData<Case, Errno> Cases => new()
    {
        { Case.ReservedBit22, Errno.EINVAL },
        { Case.ReservedBit31, Errno.EINVAL },
        { Case.AllReservedBits, Errno.EINVAL },
        { Case.UnknownOp99, Errno.EINVAL },
        { Case.UnknownOpHuge, Errno.EINVAL },
        { Case.ReadBufferZero, Errno.EFAULT },
        { Case.ReadBufferBelowBase, Errno.EFAULT },
        { Case.ReadBufferOneBelowBase, Errno.EFAULT },
        { Case.ReadBufferEndsOnePastEnd, Errno.EFAULT },
        { Case.ReadBufferStartsAtEnd, Errno.EFAULT },
        { Case.ReadBufferFarAbove, Errno.EFAULT },
        { Case.ReadAddressOverflow, Errno.EFAULT },
        { Case.ReadCountOverflow, Errno.EINVAL },
        { Case.ReadCountHuge, Errno.EINVAL },
        { Case.WriteAddressMax, Errno.EFAULT },
        { Case.ReadClosedFd, Errno.EBADF },
        { Case.ReadFdMax, Errno.EBADF },
        { Case.CloseClosedFd, Errno.EBADF },
        { Case.SeekClosedFd, Errno.EBADF },
        { Case.OpenPathTooLong, Errno.ENAMETOOLONG },
        { Case.OpenPathLengthHuge, Errno.ENAMETOOLONG },
        { Case.OpenPathAddressOverflow, Errno.EFAULT },
        { Case.OpenDotDotAboveRootMissing, Errno.ENOENT },
        { Case.FlagsZeroLoadsR0Everywhere, Errno.EINVAL }, // every immediate becomes a load modifier: the buffer address is not one
        { Case.UnknownLoadModifier, Errno.EINVAL },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Enter_MalformedSqe_CompletesWithErrno(Case @case, Errno errno)
    {
        using var ring = NewRing();
        ring.Files.WriteFile("/f", "0123456789");
        var readFd = ring.Open("/f", OpenFlags.Read | OpenFlags.Write);
        var closed = ring.Open("/f", OpenFlags.Read);
        ring.RunOne(Sqes.Close(closed)).ShouldSucceed();
        var end = ring.Ring.Layout.UserEnd;
        var size = (ulong)ring.Ring.Layout.UserMemorySize;
        var buffer = ring.Reserve(16);
        ring.Registers[0] = 1000;

        var sqe = @case switch
        {
            Case.ReservedBit22 => WithFlags(Sqes.Nop(), 1u << 22),
            Case.ReservedBit31 => WithFlags(Sqes.Nop(), 1u << 31),
            Case.AllReservedBits => WithFlags(Sqes.Nop(), SqeFlags.ReservedMask),
            Case.UnknownOp99 => Sqes.Create(99),
            Case.UnknownOpHuge => Sqes.Create(uint.MaxValue),
            Case.ReadBufferZero => Sqes.Read(readFd, 0UL, 4, offset: 0),
            Case.ReadBufferBelowBase => Sqes.Read(readFd, 4096UL, 4, offset: 0),
            Case.ReadBufferOneBelowBase => Sqes.Read(readFd, Base - 1, 4, offset: 0),
            Case.ReadBufferEndsOnePastEnd => Sqes.Read(readFd, end - 3, 4, offset: 0),
            Case.ReadBufferStartsAtEnd => Sqes.Read(readFd, end, 1, offset: 0),
            Case.ReadBufferFarAbove => Sqes.Read(readFd, end + (1UL << 40), 1, offset: 0),
            Case.ReadAddressOverflow => Sqes.Read(readFd, ulong.MaxValue - 1, 4, offset: 0),
            Case.ReadCountOverflow => Sqes.Read(readFd, Base + 8, ulong.MaxValue - 4, offset: 0),
            Case.ReadCountHuge => Sqes.Read(readFd, Base, size + (1UL << 32), offset: 0),
            Case.WriteAddressMax => Sqes.Write(readFd, ulong.MaxValue, 1, offset: 0),
            Case.ReadClosedFd => Sqes.Read(closed, buffer, 4),
            Case.ReadFdMax => Sqes.Read(ulong.MaxValue, buffer, 4),
            Case.CloseClosedFd => Sqes.Close(closed),
            Case.SeekClosedFd => Sqes.Seek(closed, 0, Whence.Set),
            Case.OpenPathTooLong => Sqes.Open(Base, 4097UL, OpenFlags.Read),
            Case.OpenPathLengthHuge => Sqes.Open(Base, ulong.MaxValue, OpenFlags.Read),
            Case.OpenPathAddressOverflow => Sqes.Open(ulong.MaxValue - 2, 8UL, OpenFlags.Read),
            Case.OpenDotDotAboveRootMissing => Sqes.Open(ring.Put("/../../../etc/passwd"), OpenFlags.Read),
            Case.FlagsZeroLoadsR0Everywhere => WithFlags(Sqes.Read(readFd, buffer, 4), 0),
            Case.UnknownLoadModifier => WithArg0(Sqes.Close(Reg.R0), 3),
            _ => throw new ArgumentOutOfRangeException(nameof(@case)),
        };
        var memoryBefore = ring.Ring.Region.UserMemory.ToArray();

        var cqe = ring.RunOne(sqe);

        cqe.ShouldFailWith(errno);
        ring.Ring.Region.UserMemory.ToArray().ShouldBe(memoryBefore, "a refused SQE writes no user memory");
        ring.Files.ReadFile("/f").ShouldBe("0123456789"u8.ToArray());
    }

    [Fact]
    public void Enter_ReadAtExactEdgesOfUserMemory_Succeeds()
    {
        using var ring = NewRing();
        ring.Files.WriteFile("/f", "0123456789");
        var fd = ring.Open("/f", OpenFlags.Read);
        var end = ring.Ring.Layout.UserEnd;

        ring.RunOne(Sqes.Read(fd, RingLayout.UserBase, 4, offset: 0)).ShouldSucceedWith(4);
        ring.RunOne(Sqes.Read(fd, end - 4, 4, offset: 0)).ShouldSucceedWith(4);
        ring.RunOne(Sqes.Read(fd, end, 0, offset: 0)).ShouldSucceedWith(0);
        ring.Ring.Memory.At(end - 4, 4).ToArray().ShouldBe("0123"u8.ToArray());
    }

    private static Sqe WithArg0(Sqe sqe, ulong value)
    {
        sqe.Arg0 = value;
        return sqe;
    }

    private static Sqe WithFlags(Sqe sqe, uint flags)
    {
        sqe.Flags = flags;
        return sqe;
    }
}
