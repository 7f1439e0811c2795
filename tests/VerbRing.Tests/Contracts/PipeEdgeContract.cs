using VerbRing.Kernel;
using VerbRing.Kernel.Namespaces;
using VerbRing.Registers;
using VerbRing.Tests.Infrastructure;
using VerbRing.Verbs;

namespace VerbRing.Tests.Contracts;

/// <summary>
/// The edges of pipes and descriptors that mutation testing found unpinned: explicit offsets on a pipe, writes that
/// must wait for room (larger than the pipe into a full one; exactly its capacity into a partly full one), a waiting
/// READ, WRITE or POLL whose own descriptor is closed (EBADF), EFAULT on pipe buffers, PIPE with exactly two free
/// descriptors, and the position after a failed WRITE at an explicit offset.
/// </summary>
public abstract class PipeEdgeContract : KernelContract
{
    private const int Capacity = 16;

    [Fact]
    public void Write_ExplicitOffsetOnAPipe_IsEspipe()
    {
        using var ring = NewRing(new RingOptions { PipeCapacity = Capacity });
        ring.Pipe(Reg.R0);
        ring.RunOne(Sqes.Write(Reg.R0.High, ring.Put("x"), 1, offset: 0)).ShouldFailWith(Errno.ESPIPE);
        ring.RunOne(Sqes.Write(Reg.R0.High, ring.Put("x"), 1)).ShouldSucceedWith(1);
    }

    [Fact]
    public void Write_LargerThanThePipe_IntoAFullPipe_WaitsThenWritesWhatFits()
    {
        using var ring = NewRing(new RingOptions { PipeCapacity = Capacity });
        ring.Pipe(Reg.R0);
        ring.RunOne(Sqes.Write(Reg.R0.High, ring.Put(new string('a', Capacity)), Capacity)).ShouldSucceedWith(Capacity);
        ring.Submit(Sqes.Write(Reg.R0.High, ring.Put(new string('b', Capacity + 4)), Capacity + 4, data: 2))
            .ShouldBeEmpty("not one byte fits: the write waits");

        var cqes = ring.Submit(Sqes.Read(Reg.R0.Low, ring.Reserve(4), 4, data: 3));

        cqes.Select(c => (c.Data, c.ErrorCode(), c.Result)).ShouldBe([(3UL, Errno.OK, 4UL), (2UL, Errno.OK, 4UL)], "the read made room for four bytes");
    }

    [Fact]
    public void Write_ExactlyTheCapacity_IntoAPartlyFullPipe_WaitsForRoomForAllOfIt()
    {
        using var ring = NewRing(new RingOptions { PipeCapacity = Capacity });
        ring.Pipe(Reg.R0);
        ring.RunOne(Sqes.Write(Reg.R0.High, ring.Put("z"), 1)).ShouldSucceedWith(1);
        ring.Submit(Sqes.Write(Reg.R0.High, ring.Put(new string('c', Capacity)), Capacity, data: 2))
            .ShouldBeEmpty("a count that fits the pipe is written whole, so it waits for all the room");

        var cqes = ring.Submit(Sqes.Read(Reg.R0.Low, ring.Reserve(1), 1, data: 3));

        cqes.Select(c => (c.Data, c.Result)).ShouldBe([(3UL, 1UL), (2UL, (ulong)Capacity)]);
    }

    [Fact]
    public void Read_WaitingOnAPipe_ItsOwnDescriptorClosed_IsEbadf()
    {
        using var ring = NewRing(new RingOptions { PipeCapacity = Capacity });
        ring.Pipe(Reg.R0);
        ring.Submit(Sqes.Read(Reg.R0.Low, ring.Reserve(4), 4, data: 1)).ShouldBeEmpty();
        var cqes = ring.Submit(Sqes.Close(Reg.R0.Low, data: 2));
        cqes.Select(c => (c.Data, c.ErrorCode())).ShouldBe([(2UL, Errno.OK), (1UL, Errno.EBADF)]);
    }

    [Fact]
    public void Write_WaitingOnAFullPipe_ItsOwnDescriptorClosed_IsEbadf()
    {
        using var ring = NewRing(new RingOptions { PipeCapacity = Capacity });
        ring.Pipe(Reg.R0);
        ring.RunOne(Sqes.Write(Reg.R0.High, ring.Put(new string('a', Capacity)), Capacity)).ShouldSucceedWith(Capacity);
        ring.Submit(Sqes.Write(Reg.R0.High, ring.Put("b"), 1, data: 1)).ShouldBeEmpty();
        var cqes = ring.Submit(Sqes.Close(Reg.R0.High, data: 2));
        cqes.Select(c => (c.Data, c.ErrorCode())).ShouldBe([(2UL, Errno.OK), (1UL, Errno.EBADF)]);
    }

    [Fact]
    public void Poll_WaitingOnAPipe_ItsOwnDescriptorClosed_IsEbadf()
    {
        // As every waiting verb (spec/semantics.md, "Verbs that wait"): not NVAL, which is for a descriptor that was
        // not open when the POLL started.
        using var ring = NewRing(new RingOptions { PipeCapacity = Capacity });
        ring.Pipe(Reg.R0);
        ring.Submit(Sqes.Poll(Reg.R0.Low, PollEvents.Read, data: 1)).ShouldBeEmpty();
        var cqes = ring.Submit(Sqes.Close(Reg.R0.Low, data: 2));
        cqes.Select(c => (c.Data, c.ErrorCode(), c.Result)).ShouldBe([(2UL, Errno.OK, 0UL), (1UL, Errno.EBADF, Abi.Err)]);
    }

    [Fact]
    public void ReadAndWrite_PipeBufferOutsideUserMemory_AreEfault()
    {
        using var ring = NewRing(new RingOptions { PipeCapacity = Capacity });
        ring.Pipe(Reg.R0);
        ring.RunOne(Sqes.Write(Reg.R0.High, 8UL, 1)).ShouldFailWith(Errno.EFAULT);
        ring.RunOne(Sqes.Read(Reg.R0.Low, 8UL, 1)).ShouldFailWith(Errno.EFAULT);
    }

    [Fact]
    public void Pipe_ExactlyTwoFreeDescriptors_Succeeds_OneIsEmfile()
    {
        using var ring = NewRing(new RingOptions { MaxDescriptors = 3 });
        ring.Files.WriteFile("/f", "x");
        ring.Open("/f", OpenFlags.Read);
        ring.Pipe(Reg.R0).ShouldBe((1UL, 2UL));
        ring.RunOne(Sqes.Close(Reg.R0.High)).ShouldSucceedWith(0);
        ring.RunOne(Sqes.Pipe()).ShouldFailWith(Errno.EMFILE);
    }

    [Fact]
    public void Write_FailedAtAnExplicitOffset_LeavesThePositionAlone()
    {
        using var ring = NewRing(files: new MemoryNamespace(maxFileSize: 16));
        ring.Files.WriteFile("/f", "");
        var fd = ring.Open("/f", OpenFlags.Read | OpenFlags.Write);
        ring.RunOne(Sqes.Write(fd, ring.Put("abc"), 3)).ShouldSucceedWith(3);
        ring.RunOne(Sqes.Write(fd, ring.Put("x"), 1, offset: 100)).ShouldFailWith(Errno.EFBIG);
        ring.RunOne(Sqes.Write(fd, ring.Put("zzzzzzzzzzzzzzzzzz"), 18)).ShouldFailWith(Errno.EFBIG);
        ring.RunOne(Sqes.Write(fd, ring.Put("d"), 1)).ShouldSucceedWith(1);
        var buffer = ring.Reserve(8);
        ring.RunOne(Sqes.Read(fd, buffer, 8, offset: 0)).ShouldSucceedWith(4);
        ring.ReadText(buffer, 4).ShouldBe("abcd", "neither failed write moved the position");
    }
}
