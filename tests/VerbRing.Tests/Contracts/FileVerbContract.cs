using System.Text;
using VerbRing.Kernel;
using VerbRing.Kernel.Namespaces;
using VerbRing.Tests.Infrastructure;
using VerbRing.Verbs;

namespace VerbRing.Tests.Contracts;

/// <summary>NOP, READ, WRITE, POLL, CLOSE and SEEK: each success and each errno.</summary>
public abstract class FileVerbContract : KernelContract
{
    [Fact]
    public void Nop_Succeeds_WithZero()
    {
        using var ring = NewRing();
        ring.RunOne(Sqes.Nop(data: 7)).ShouldSucceedWith(0);
    }

    [Fact]
    public void Read_AtCur_ReadsAndAdvancesUntilEndOfFile()
    {
        using var ring = NewRing();
        ring.Files.WriteFile("/f", "hello world");
        var fd = ring.Open("/f", OpenFlags.Read);
        var buffer = ring.Reserve(6);

        ring.RunOne(Sqes.Read(fd, buffer, 6)).ShouldSucceedWith(6);
        ring.ReadText(buffer, 6).ShouldBe("hello ");
        ring.RunOne(Sqes.Read(fd, buffer, 6)).ShouldSucceedWith(5);
        ring.ReadText(buffer, 5).ShouldBe("world");
        ring.RunOne(Sqes.Read(fd, buffer, 6)).ShouldSucceedWith(0);
    }

    [Fact]
    public void Read_AtOffset_LeavesPositionAlone()
    {
        using var ring = NewRing();
        ring.Files.WriteFile("/f", "0123456789");
        var fd = ring.Open("/f", OpenFlags.Read);
        var buffer = ring.Reserve(3);

        ring.RunOne(Sqes.Read(fd, buffer, 3, offset: 7)).ShouldSucceedWith(3);
        ring.ReadText(buffer, 3).ShouldBe("789");
        ring.RunOne(Sqes.Read(fd, buffer, 3)).ShouldSucceedWith(3);
        ring.ReadText(buffer, 3).ShouldBe("012");
        ring.RunOne(Sqes.Read(fd, buffer, 3, offset: 1000)).ShouldSucceedWith(0);
    }

    [Fact]
    public void Read_Errors()
    {
        using var ring = NewRing();
        ring.Files.WriteFile("/f", "data");
        ring.Files.CreateDirectory("/d");
        var writeOnly = ring.Open("/f", OpenFlags.Write);
        var readable = ring.Open("/f", OpenFlags.Read);
        var directory = ring.Open("/d", OpenFlags.Read);
        var buffer = ring.Reserve(4);

        ring.RunOne(Sqes.Read(17, buffer, 4)).ShouldFailWith(Errno.EBADF);
        ring.RunOne(Sqes.Read(writeOnly, buffer, 4)).ShouldFailWith(Errno.EBADF);
        ring.RunOne(Sqes.Read(directory, buffer, 4)).ShouldFailWith(Errno.EISDIR);
        ring.RunOne(Sqes.Read(readable, buffer, (ulong)int.MaxValue + 1)).ShouldFailWith(Errno.EINVAL);
        ring.RunOne(Sqes.Read(readable, buffer, 4, offset: -5L)).ShouldFailWith(Errno.EINVAL);
        ring.RunOne(Sqes.Read(readable, 0UL, 4)).ShouldFailWith(Errno.EFAULT);
    }

    [Fact]
    public void Write_AtCur_AppendsAndAdvances()
    {
        using var ring = NewRing();
        var fd = ring.Open("/w", OpenFlags.Write | OpenFlags.Create);
        ring.RunOne(Sqes.Write(fd, ring.Put("abc"), 3)).ShouldSucceedWith(3);
        ring.RunOne(Sqes.Write(fd, ring.Put("de"), 2)).ShouldSucceedWith(2);
        Encoding.UTF8.GetString(ring.Files.ReadFile("/w")!).ShouldBe("abcde");
    }

    [Fact]
    public void Write_PastEnd_ExtendsWithZeros()
    {
        using var ring = NewRing();
        var fd = ring.Open("/sparse", OpenFlags.Read | OpenFlags.Write | OpenFlags.Create);
        ring.RunOne(Sqes.Write(fd, ring.Put("xy"), 2, offset: 5)).ShouldSucceedWith(2);
        ring.Files.ReadFile("/sparse").ShouldBe([0, 0, 0, 0, 0, (byte)'x', (byte)'y']);

        var buffer = ring.Reserve(16);
        ring.RunOne(Sqes.Read(fd, buffer, 16, offset: 100)).ShouldSucceedWith(0);
    }

    [Fact]
    public void Write_WithAppend_AlwaysGoesToTheEnd()
    {
        using var ring = NewRing();
        ring.Files.WriteFile("/log", "one;");
        var fd = ring.Open("/log", OpenFlags.Write | OpenFlags.Append);
        ring.RunOne(Sqes.Write(fd, ring.Put("two;"), 4)).ShouldSucceedWith(4);
        ring.RunOne(Sqes.Write(fd, ring.Put("three;"), 6, offset: 0)).ShouldSucceedWith(6);
        Encoding.UTF8.GetString(ring.Files.ReadFile("/log")!).ShouldBe("one;two;three;");
    }

    [Fact]
    public void Write_Errors()
    {
        using var ring = NewRing(files: new MemoryNamespace(maxFileSize: 16));
        ring.Files.WriteFile("/f", "data");
        var readOnly = ring.Open("/f", OpenFlags.Read);
        var writable = ring.Open("/f", OpenFlags.Write);
        var buffer = ring.Put("12345678");

        ring.RunOne(Sqes.Write(30, buffer, 4)).ShouldFailWith(Errno.EBADF);
        ring.RunOne(Sqes.Write(readOnly, buffer, 4)).ShouldFailWith(Errno.EBADF);
        ring.RunOne(Sqes.Write(writable, buffer, 4, offset: -2L)).ShouldFailWith(Errno.EINVAL);
        ring.RunOne(Sqes.Write(writable, buffer, (ulong)int.MaxValue + 1)).ShouldFailWith(Errno.EINVAL);
        ring.RunOne(Sqes.Write(writable, VerbRing.Registers.RingLayout.UserBase - 1, 4)).ShouldFailWith(Errno.EFAULT);
        ring.RunOne(Sqes.Write(writable, buffer, 8, offset: 12)).ShouldFailWith(Errno.EFBIG);
        ring.RunOne(Sqes.Write(writable, buffer, 8, offset: long.MaxValue)).ShouldFailWith(Errno.EFBIG);
        Encoding.UTF8.GetString(ring.Files.ReadFile("/f")!).ShouldBe("data", "failed writes change nothing");
    }

    [Fact]
    public void Poll_File_IsReadyForWhatWasAsked()
    {
        using var ring = NewRing();
        ring.Files.WriteFile("/f", "x");
        var fd = ring.Open("/f", OpenFlags.Read);
        ring.RunOne(Sqes.Poll(fd, PollEvents.Read | PollEvents.Write)).ShouldSucceedWith((ulong)(PollEvents.Read | PollEvents.Write));
        ring.RunOne(Sqes.Poll(fd, PollEvents.Read)).ShouldSucceedWith((ulong)PollEvents.Read);
    }

    [Fact]
    public void Poll_ClosedOrUnknownFd_AnswersNval()
    {
        using var ring = NewRing();
        ring.RunOne(Sqes.Poll(3, PollEvents.Read)).ShouldSucceedWith((ulong)PollEvents.Nval);
        ring.RunOne(Sqes.Poll(ulong.MaxValue, PollEvents.Read)).ShouldSucceedWith((ulong)PollEvents.Nval);
    }

    [Fact]
    public void Poll_UnknownEventBits_AreEinval()
    {
        using var ring = NewRing();
        ring.RunOne(Sqes.Poll(0, 1UL << 40)).ShouldFailWith(Errno.EINVAL);
    }

    [Fact]
    public void Fsync_MemoryFileOrDirectory_Succeeds_PipeIsEinval_UnknownIsEbadf()
    {
        using var ring = NewRing();
        ring.Files.WriteFile("/f", "x");
        var file = ring.Open("/f", OpenFlags.Write);
        var root = ring.Open("/", OpenFlags.Read);
        ring.RunOne(Sqes.Fsync(file)).ShouldSucceedWith(0);
        ring.RunOne(Sqes.Fsync(root)).ShouldSucceedWith(0);
        ring.RunOne(Sqes.Fsync(40)).ShouldFailWith(Errno.EBADF);
        ring.RunOne(Sqes.Pipe(save: Reg.R0)).ShouldSucceed();
        ring.RunOne(Sqes.Fsync(Reg.R0.High)).ShouldFailWith(Errno.EINVAL);
    }

    [Fact]
    public void Close_FreesTheLowestDescriptorForReuse()
    {
        using var ring = NewRing();
        ring.Files.WriteFile("/f", "x");
        ring.Open("/f", OpenFlags.Read).ShouldBe(0UL);
        ring.Open("/f", OpenFlags.Read).ShouldBe(1UL);
        ring.Open("/f", OpenFlags.Read).ShouldBe(2UL);
        ring.RunOne(Sqes.Close(1)).ShouldSucceedWith(0);
        ring.Open("/f", OpenFlags.Read).ShouldBe(1UL);
        ring.Open("/f", OpenFlags.Read).ShouldBe(3UL);
    }

    [Fact]
    public void Close_NotOpen_IsEbadf()
    {
        using var ring = NewRing();
        ring.Files.WriteFile("/f", "x");
        var fd = ring.Open("/f", OpenFlags.Read);
        ring.RunOne(Sqes.Close(fd)).ShouldSucceedWith(0);
        ring.RunOne(Sqes.Close(fd)).ShouldFailWith(Errno.EBADF);
        ring.RunOne(Sqes.Close(ulong.MaxValue)).ShouldFailWith(Errno.EBADF);
    }

    [Fact]
    public void Seek_SetCurEnd_MoveThePosition()
    {
        using var ring = NewRing();
        ring.Files.WriteFile("/f", "0123456789");
        var fd = ring.Open("/f", OpenFlags.Read);
        var buffer = ring.Reserve(2);

        ring.RunOne(Sqes.Seek(fd, 4, Whence.Set)).ShouldSucceedWith(4);
        ring.RunOne(Sqes.Seek(fd, 2, Whence.Cur)).ShouldSucceedWith(6);
        ring.RunOne(Sqes.Seek(fd, -1L, Whence.Cur)).ShouldSucceedWith(5);
        ring.RunOne(Sqes.Read(fd, buffer, 2)).ShouldSucceedWith(2);
        ring.ReadText(buffer, 2).ShouldBe("56");
        ring.RunOne(Sqes.Seek(fd, -3L, Whence.End)).ShouldSucceedWith(7);
        ring.RunOne(Sqes.Seek(fd, 5, Whence.End)).ShouldSucceedWith(15); // past the end is allowed
    }

    [Fact]
    public void Seek_PastEndThenWrite_FillsTheGapWithZeros()
    {
        using var ring = NewRing();
        var fd = ring.Open("/g", OpenFlags.Write | OpenFlags.Create);
        ring.RunOne(Sqes.Seek(fd, 3, Whence.Set)).ShouldSucceedWith(3);
        ring.RunOne(Sqes.Write(fd, ring.Put("z"), 1)).ShouldSucceedWith(1);
        ring.Files.ReadFile("/g").ShouldBe([0, 0, 0, (byte)'z']);
    }

    [Fact]
    public void Seek_Errors()
    {
        using var ring = NewRing();
        ring.Files.WriteFile("/f", "0123");
        ring.Files.CreateDirectory("/d");
        var fd = ring.Open("/f", OpenFlags.Read);
        var directory = ring.Open("/d", OpenFlags.Read);

        ring.RunOne(Sqes.Seek(9, 0, Whence.Set)).ShouldFailWith(Errno.EBADF);
        ring.RunOne(Sqes.Seek(directory, 0, Whence.Set)).ShouldFailWith(Errno.EISDIR);
        ring.RunOne(Sqes.Seek(fd, 0, 0UL)).ShouldFailWith(Errno.EINVAL);
        ring.RunOne(Sqes.Seek(fd, 0, 4UL)).ShouldFailWith(Errno.EINVAL);
        ring.RunOne(Sqes.Seek(fd, -1L, Whence.Set)).ShouldFailWith(Errno.EINVAL);
        ring.RunOne(Sqes.Seek(fd, -5L, Whence.End)).ShouldFailWith(Errno.EINVAL);
        ring.RunOne(Sqes.Seek(fd, long.MaxValue, Whence.Set)).ShouldSucceedWith(long.MaxValue);
        ring.RunOne(Sqes.Seek(fd, 1, Whence.Cur)).ShouldFailWith(Errno.EINVAL); // would overflow
    }
}
