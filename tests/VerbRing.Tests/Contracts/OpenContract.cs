using System.Text;
using VerbRing.Kernel;
using VerbRing.Tests.Infrastructure;
using VerbRing.Verbs;

namespace VerbRing.Tests.Contracts;

/// <summary>OPEN: path resolution, creation and each of its errnos.</summary>
public abstract class OpenContract : KernelContract
{
    [Fact]
    public void Open_Create_MakesAnEmptyFileAtTheLowestDescriptor()
    {
        using var ring = NewRing();
        ring.RunOne(Sqes.Open(ring.Put("/new.txt"), OpenFlags.Write | OpenFlags.Create)).ShouldSucceedWith(0);
        ring.Files.ReadFile("/new.txt").ShouldBe([]);
    }

    [Fact]
    public void Open_Truncate_EmptiesTheFile()
    {
        using var ring = NewRing();
        ring.Files.WriteFile("/t", "old contents");
        ring.Open("/t", OpenFlags.Write | OpenFlags.Truncate);
        ring.Files.ReadFile("/t").ShouldBe([]);
    }

    [Fact]
    public void Open_RelativeToDirFd_ResolvesInsideThatDirectory()
    {
        using var ring = NewRing();
        ring.Files.WriteFile("/etc/conf/a", "A");
        var dir = ring.Open("/etc", OpenFlags.Read);
        var cqe = ring.RunOne(Sqes.Open(ring.Put("conf/a"), OpenFlags.Read, dirFd: dir));
        cqe.ShouldSucceed();
        var buffer = ring.Reserve(1);
        ring.RunOne(Sqes.Read(cqe.Result, buffer, 1)).ShouldSucceedWith(1);
        ring.ReadText(buffer, 1).ShouldBe("A");

        // An absolute path ignores the dirfd.
        ring.Files.WriteFile("/top", "T");
        ring.RunOne(Sqes.Open(ring.Put("/top"), OpenFlags.Read, dirFd: dir)).ShouldSucceed();
    }

    [Theory]
    [InlineData("/../../../hello.txt")]
    [InlineData("/a/../../hello.txt")]
    [InlineData("/./hello.txt")]
    [InlineData("//hello.txt")]
    [InlineData("hello.txt")]
    [InlineData("/a/b/../../hello.txt")]
    public void Open_DotAndDotDot_ResolveAndNeverClimbAboveRoot(string path)
    {
        using var ring = NewRing();
        ring.Files.WriteFile("/hello.txt", "hi");
        ring.Files.CreateDirectory("/a/b");
        ring.RunOne(Sqes.Open(ring.Put(path), OpenFlags.Read)).ShouldSucceed();
    }

    [Fact]
    public void Open_DotDotFromDirFd_ClimbsToParentButNotAboveRoot()
    {
        using var ring = NewRing();
        ring.Files.WriteFile("/x", "X");
        ring.Files.CreateDirectory("/a/b");
        var b = ring.Open("/a/b", OpenFlags.Read);
        ring.RunOne(Sqes.Open(ring.Put("../../x"), OpenFlags.Read, dirFd: b)).ShouldSucceed();
        ring.RunOne(Sqes.Open(ring.Put("../../../../../x"), OpenFlags.Read, dirFd: b)).ShouldSucceed();
    }

    public static TheoryData<string, OpenFlags, Errno> PathErrors => new()
    {
        { "/missing", OpenFlags.Read, Errno.ENOENT },
        { "/nodir/file", OpenFlags.Read | OpenFlags.Write | OpenFlags.Create, Errno.ENOENT },
        { "/file/inner", OpenFlags.Read, Errno.ENOTDIR },
        { "/file/", OpenFlags.Read, Errno.ENOTDIR },
        { "/file/..", OpenFlags.Read, Errno.ENOTDIR },
        { "/file", OpenFlags.Write | OpenFlags.Create | OpenFlags.Exclusive, Errno.EEXIST },
        { "/dir", OpenFlags.Write, Errno.EISDIR },
        { "/", OpenFlags.Read | OpenFlags.Write, Errno.EISDIR },
        { "/newdir/", OpenFlags.Write | OpenFlags.Create, Errno.EISDIR },
        { "/" + new string('n', 256), OpenFlags.Read, Errno.ENAMETOOLONG },
        { "/bad\0name", OpenFlags.Read, Errno.ENOENT },
        { "/file", OpenFlags.None, Errno.EINVAL },
        { "/file", OpenFlags.Truncate | OpenFlags.Read, Errno.EINVAL },
        { "/file", OpenFlags.Exclusive | OpenFlags.Read, Errno.EINVAL },
        { "/file", (OpenFlags)64 | OpenFlags.Read, Errno.EINVAL },
    };

    [Theory]
    [MemberData(nameof(PathErrors))]
    public void Open_PathErrors(string path, OpenFlags flags, Errno errno)
    {
        using var ring = NewRing();
        ring.Files.WriteFile("/file", "f");
        ring.Files.CreateDirectory("/dir");
        ring.RunOne(Sqes.Open(ring.Put(path), flags)).ShouldFailWith(errno);
        ring.Files.ListFiles().ShouldBe(["/file"], "a refused OPEN creates nothing");
    }

    [Fact]
    public void Open_EmptyPath_IsEnoent()
    {
        using var ring = NewRing();
        var path = ring.Reserve(4);
        ring.RunOne(Sqes.Open(path.Address, 0UL, OpenFlags.Read)).ShouldFailWith(Errno.ENOENT);
    }

    [Fact]
    public void Open_InvalidUtf8_IsEinval()
    {
        using var ring = NewRing();
        var path = ring.Ring.Memory.Put([(byte)'/', 0xC3, 0x28]);
        ring.RunOne(Sqes.Open(path, OpenFlags.Read)).ShouldFailWith(Errno.EINVAL);
    }

    [Fact]
    public void Open_PathLongerThan4096_IsEnametoolong()
    {
        using var ring = NewRing();
        var longPath = string.Concat(Enumerable.Repeat("/abc", 1025)); // 4100 bytes, components short
        ring.RunOne(Sqes.Open(ring.Put(longPath), OpenFlags.Read)).ShouldFailWith(Errno.ENAMETOOLONG);
        var atLimit = "/" + string.Concat(Enumerable.Repeat("./", 2047)) + "f"; // 4096 bytes
        Encoding.UTF8.GetByteCount(atLimit).ShouldBe(4096);
        ring.Files.WriteFile("/f", "f");
        ring.RunOne(Sqes.Open(ring.Put(atLimit), OpenFlags.Read)).ShouldSucceed();
    }

    [Fact]
    public void Open_PathOutsideUserMemory_IsEfault()
    {
        using var ring = NewRing();
        ring.RunOne(Sqes.Open(8UL, 4UL, OpenFlags.Read)).ShouldFailWith(Errno.EFAULT);
        var end = ring.Ring.Layout.UserEnd;
        ring.RunOne(Sqes.Open(end - 2, 4UL, OpenFlags.Read)).ShouldFailWith(Errno.EFAULT);
    }

    [Fact]
    public void Open_TableFull_IsEmfileAndCreatesNothing()
    {
        using var ring = NewRing(new RingOptions { MaxDescriptors = 2 });
        ring.Files.WriteFile("/f", "x");
        ring.Open("/f", OpenFlags.Read);
        ring.Open("/f", OpenFlags.Read);
        ring.RunOne(Sqes.Open(ring.Put("/g"), OpenFlags.Write | OpenFlags.Create)).ShouldFailWith(Errno.EMFILE);
        ring.Files.ReadFile("/g").ShouldBeNull();
    }

    [Fact]
    public void Open_BadDirFd_IsEbadfOrEnotdir()
    {
        using var ring = NewRing();
        ring.Files.WriteFile("/f", "x");
        var file = ring.Open("/f", OpenFlags.Read);
        ring.RunOne(Sqes.Open(ring.Put("f"), OpenFlags.Read, dirFd: 12)).ShouldFailWith(Errno.EBADF);
        ring.RunOne(Sqes.Open(ring.Put("f"), OpenFlags.Read, dirFd: file)).ShouldFailWith(Errno.ENOTDIR);
    }
}
