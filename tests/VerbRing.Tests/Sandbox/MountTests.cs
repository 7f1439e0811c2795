using System.Text;
using VerbRing.Kernel;
using VerbRing.Kernel.Namespaces;
using VerbRing.Registers;
using VerbRing.Tests.Infrastructure;
using VerbRing.Verbs;

namespace VerbRing.Tests.Sandbox;

/// <summary>
/// One namespace from several: "/" in memory, "/data" a host folder, "/ro" a read-only host folder, "/secret" a
/// hidden one. Paths cross mounts the way they read, dirfds keep their place, access is checked per mount, a ring's
/// policy can only tighten it, and nothing leaves a host mount.
/// </summary>
public sealed class MountTests : IDisposable
{
    private readonly string _top = Directory.CreateTempSubdirectory("verbring-mount-").FullName;
    private readonly string _data;
    private readonly string _ro;
    private readonly string _secret;
    private readonly MemoryNamespace _memory = new();
    private readonly MountNamespace _mounts;

    public MountTests()
    {
        _data = Directory.CreateDirectory(Path.Combine(_top, "data")).FullName;
        _ro = Directory.CreateDirectory(Path.Combine(_top, "ro")).FullName;
        _secret = Directory.CreateDirectory(Path.Combine(_top, "secret")).FullName;
        Directory.CreateDirectory(Path.Combine(_data, "sub"));
        File.WriteAllText(Path.Combine(_data, "sub", "in.txt"), "host data");
        File.WriteAllText(Path.Combine(_ro, "fixed.txt"), "read me");
        File.WriteAllText(Path.Combine(_secret, "key"), "hidden");
        File.WriteAllText(Path.Combine(_top, "beside.txt"), "outside every mount");
        _memory.WriteFile("/a", "memory a");
        _mounts = new MountNamespace(
        [
            new Mount("/", _memory),
            new Mount("/data", new HostNamespace(_data)),
            new Mount("/ro", new HostNamespace(_ro), MountAccess.ReadOnly),
            new Mount("/secret", new HostNamespace(_secret), MountAccess.Hidden),
        ]);
    }

    [Theory]
    [InlineData("/a", "memory a")]
    [InlineData("/data/sub/in.txt", "host data")]
    [InlineData("/data/sub/../sub/./in.txt", "host data")]
    [InlineData("/data/../a", "memory a")]
    [InlineData("/ro/fixed.txt", "read me")]
    [InlineData("/../../data/sub/in.txt", "host data")]
    [InlineData("//data//sub/in.txt", "host data")]
    public void Open_PathsAcrossMounts_ReachTheOwningNamespace(string path, string content)
    {
        using var ring = RingFactory.CreateDefault(fileSystem: _mounts).Create();
        Read(ring, path).ShouldBe(content);
    }

    [Theory]
    [InlineData("/ro/fixed.txt", OpenFlags.Write)]
    [InlineData("/ro/new.txt", OpenFlags.Write | OpenFlags.Create)]
    [InlineData("/ro/fixed.txt", OpenFlags.Read | OpenFlags.Write | OpenFlags.Truncate)]
    [InlineData("/secret/key", OpenFlags.Read)]
    [InlineData("/secret", OpenFlags.Read)]
    [InlineData("/data/../secret/key", OpenFlags.Read)]
    [InlineData("/data/../../secret/key", OpenFlags.Read)]
    public void Open_ReadOnlyOrHiddenMount_IsEacces(string path, OpenFlags flags)
    {
        using var ring = RingFactory.CreateDefault(fileSystem: _mounts).Create();
        Open(ring, path, flags).Error.ShouldBe((int)Errno.EACCES);
        File.ReadAllText(Path.Combine(_ro, "fixed.txt")).ShouldBe("read me");
        File.Exists(Path.Combine(_ro, "new.txt")).ShouldBeFalse();
    }

    [Fact]
    public void Write_IntoAHostMount_LandsInTheRealFolder()
    {
        using var ring = RingFactory.CreateDefault(fileSystem: _mounts).Create();
        var fd = Open(ring, "/data/out.txt", OpenFlags.Write | OpenFlags.Create);
        fd.Error.ShouldBe(0);
        var text = ring.Memory.Put("to disk");
        ring.RunOne(Sqes.Write(fd.Result, text, text.Length)).Result.ShouldBe(7UL);
        ring.RunOne(Sqes.Close(fd.Result)).Error.ShouldBe(0);
        File.ReadAllText(Path.Combine(_data, "out.txt")).ShouldBe("to disk");
        _memory.ListFiles().ShouldBe(["/a"], "nothing was created in the memory namespace");
    }

    [Fact]
    public void Open_RelativeToAMountedDirFd_KeepsItsPlaceInTheWholeNamespace()
    {
        using var ring = RingFactory.CreateDefault(fileSystem: _mounts).Create();
        var dir = Open(ring, "/data/sub", OpenFlags.Read);
        dir.Error.ShouldBe(0);
        Read(ring, "in.txt", dir.Result).ShouldBe("host data");
        Read(ring, "../../a", dir.Result).ShouldBe("memory a", "'..' from the mount's root climbs into the memory namespace");
        Open(ring, "../../secret/key", OpenFlags.Read, dir.Result).Error.ShouldBe((int)Errno.EACCES);

        var mountPoint = Open(ring, "/data", OpenFlags.Read);
        mountPoint.Error.ShouldBe(0, "a mount point is a directory");
        Read(ring, "sub/in.txt", mountPoint.Result).ShouldBe("host data");
    }

    [Fact]
    public void Open_TrailingSlashOnAFileInAMount_IsEnotdir()
    {
        using var ring = RingFactory.CreateDefault(fileSystem: _mounts).Create();
        Open(ring, "/data/sub/in.txt/", OpenFlags.Read).Error.ShouldBe((int)Errno.ENOTDIR);
        Open(ring, "/data/sub/", OpenFlags.Read).Error.ShouldBe(0);
    }

    [Fact]
    public void Open_ClimbAboveRoot_IsAnsweredAsTheRootNamespaceAnswersIt()
    {
        _mounts.ClimbAboveRoot.ShouldBe(RootClimb.Clamp, "memory at '/' clamps, as PatchworkOS does");
        var hostRoot = new MountNamespace([new Mount("/", new HostNamespace(_data)), new Mount("/mem", _memory)]);
        hostRoot.ClimbAboveRoot.ShouldBe(RootClimb.Refuse);
        using var ring = RingFactory.CreateDefault(fileSystem: hostRoot).Create();
        Open(ring, "/../data/sub/in.txt", OpenFlags.Read).Error.ShouldBe((int)Errno.EACCES);
        Open(ring, "/mem/../../beside.txt", OpenFlags.Read).Error.ShouldBe((int)Errno.EACCES);
        Read(ring, "/mem/../sub/in.txt").ShouldBe("host data");
        Read(ring, "/mem/a").ShouldBe("memory a");
    }

    [Fact]
    public void RingPolicy_TightensAMountForOneRing_AndNeverOpensOneWider()
    {
        var factory = RingFactory.CreateDefault(fileSystem: _mounts);
        var closed = new RingOptions
        {
            Policy = new RingPolicy { Mounts = new Dictionary<string, MountAccess> { ["/data"] = MountAccess.ReadOnly, ["/ro"] = MountAccess.ReadWrite } },
        };
        using (var ring = factory.Create(closed))
        {
            Open(ring, "/data/x", OpenFlags.Write | OpenFlags.Create).Error.ShouldBe((int)Errno.EACCES);
            Open(ring, "/ro/fixed.txt", OpenFlags.Write).Error.ShouldBe((int)Errno.EACCES, "a policy cannot open a read-only mount for writing");
            Read(ring, "/data/sub/in.txt").ShouldBe("host data");
        }

        using (var other = factory.Create())
        {
            Open(other, "/data/x", OpenFlags.Write | OpenFlags.Create).Error.ShouldBe(0, "another ring of the same kernel keeps its own access");
        }

        var unknown = new RingOptions { Policy = new RingPolicy { Mounts = new Dictionary<string, MountAccess> { ["/nope"] = MountAccess.Hidden } } };
        Should.Throw<ArgumentException>(() => factory.Create(unknown)).Message.ShouldContain("/nope");
    }

    [Theory]
    [InlineData("data")]
    [InlineData("/data/")]
    [InlineData("/a/../data")]
    [InlineData("/./data")]
    public void Constructor_NonCanonicalMountPath_Throws(string path) =>
        Should.Throw<ArgumentException>(() => new MountNamespace([new Mount("/", _memory), new Mount(path, _memory)]));

    [Fact]
    public void Constructor_NoRootOrTwoMountsAtOnePath_Throws()
    {
        Should.Throw<ArgumentException>(() => new MountNamespace([new Mount("/data", _memory)])).Message.ShouldContain("'/'");
        Should.Throw<ArgumentException>(() => new MountNamespace([new Mount("/", _memory), new Mount("/d", _memory), new Mount("/d", _memory)]));
    }

    [Fact]
    public void Open_NestedMounts_TheLongestMountPathOwnsThePath()
    {
        var inner = new MemoryNamespace();
        inner.WriteFile("/x", "inner");
        var nested = new MountNamespace([new Mount("/", _memory), new Mount("/data", new HostNamespace(_data), MountAccess.Hidden), new Mount("/data/sub/deeper", inner)]);
        using var ring = RingFactory.CreateDefault(fileSystem: nested).Create();
        Read(ring, "/data/sub/deeper/x").ShouldBe("inner");
        Open(ring, "/data/sub/in.txt", OpenFlags.Read).Error.ShouldBe((int)Errno.EACCES);
        Open(ring, "/data/sub/deeperx", OpenFlags.Read).Error.ShouldBe((int)Errno.EACCES, "a prefix matches whole components only");
    }

    public void Dispose() => Directory.Delete(_top, recursive: true);

    private static Cqe Open(IoRing ring, string path, OpenFlags flags, ulong? dirFd = null) =>
        ring.RunOne(Sqes.Open(ring.Memory.Put(path), flags, dirFd));

    private static string Read(IoRing ring, string path, ulong? dirFd = null)
    {
        var open = Open(ring, path, OpenFlags.Read, dirFd);
        ((Errno)open.Error).ShouldBe(Errno.OK, path);
        var buffer = ring.Memory.Reserve(64);
        var read = ring.RunOne(Sqes.Read(open.Result, buffer, 64));
        ring.RunOne(Sqes.Close(open.Result)).Error.ShouldBe(0);
        return Encoding.UTF8.GetString(ring.Memory.At(buffer.Address, (uint)read.Result));
    }
}
