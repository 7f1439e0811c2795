using System.Text;
using VerbRing.Kernel;
using VerbRing.Kernel.Namespaces;
using VerbRing.Registers;
using VerbRing.Tests.Infrastructure;
using VerbRing.Verbs;

namespace VerbRing.Tests.Sandbox;

/// <summary>
/// The host namespace never lets a path out of its folder: a table of escape attempts — climbing, absolute host
/// paths, links out (direct, absolute, chained, looping), hidden tricks — each refused, with a decoy folder beside
/// the sandbox hashed before and after. And what is inside works: reads, writes, links that stay inside.
/// </summary>
public sealed class EscapeTests : IDisposable
{
    private static readonly Errno[] Refusals = [Errno.EACCES, Errno.ENOENT, Errno.ENOTDIR, Errno.ENAMETOOLONG, Errno.EISDIR, Errno.EINVAL, Errno.ELOOP];

    private readonly HostBox _box = new();
    private readonly string _top;
    private readonly string _sandbox;
    private readonly string _decoy;

    public EscapeTests()
    {
        (_top, _sandbox, _decoy) = (_box.Top, _box.Sandbox, _box.Decoy);
        _box.Folder("sub");
        _box.WriteFile("sub/data.txt", "inside");
        Link("out", "../decoy");
        Link("abs", _decoy);
        Link("file_out", "../decoy/secret.txt");
        Link("chain1", "chain2");
        Link("chain2", "chain3");
        Link("chain3", "../decoy");
        Link("loop1", "loop2");
        Link("loop2", "loop1");
        Link("dirout", "/etc");
        Link("procroot", "/proc/self/root");
        Link("inner", "sub");
        Link("innerfile", "sub/data.txt");
        Link("sub/link_up", "../../decoy");
    }

    public static TheoryData<string, string, OpenFlags> Attempts => new()
    {
        { "climb", "/../decoy/secret.txt", OpenFlags.Read },
        { "climb relative", "../decoy/secret.txt", OpenFlags.Read },
        { "climb after a step", "/a/../../decoy/secret.txt", OpenFlags.Read },
        { "climb from a subfolder", "/sub/../../decoy/secret.txt", OpenFlags.Read },
        { "climb with dots", "/sub/./../.././decoy", OpenFlags.Read },
        { "climb far", "/./../../../../etc/passwd", OpenFlags.Read },
        { "absolute host path", "/etc/passwd", OpenFlags.Read },
        { "absolute host path doubled", "//etc//passwd", OpenFlags.Read },
        { "absolute host path to the decoy", _decoyPathForData, OpenFlags.Read },
        { "link to a folder outside", "/out/secret.txt", OpenFlags.Read },
        { "link itself", "/out", OpenFlags.Read },
        { "link with trailing dot", "/out/.", OpenFlags.Read },
        { "absolute link", "/abs/secret.txt", OpenFlags.Read },
        { "chain of links", "/chain1/secret.txt", OpenFlags.Read },
        { "chain of links, create", "/chain1/new.txt", OpenFlags.Write | OpenFlags.Create },
        { "loop of links", "/loop1", OpenFlags.Read },
        { "through a loop", "/loop1/x", OpenFlags.Read },
        { "file link outside, read", "/file_out", OpenFlags.Read },
        { "file link outside, write", "/file_out", OpenFlags.Write },
        { "file link outside, truncate", "/file_out", OpenFlags.Write | OpenFlags.Truncate },
        { "file link outside, append", "/file_out", OpenFlags.Write | OpenFlags.Append },
        { "create through a link", "/out/new.txt", OpenFlags.Write | OpenFlags.Create },
        { "create through an absolute link", "/abs/new.txt", OpenFlags.Write | OpenFlags.Create | OpenFlags.Exclusive },
        { "link to /etc", "/dirout/passwd", OpenFlags.Read },
        { "link to /proc/self/root", "/procroot/etc/passwd", OpenFlags.Read },
        { "link in a subfolder climbing out", "/sub/link_up/secret.txt", OpenFlags.Read },
        { "embedded NUL", "/sub\0/../../decoy/secret.txt", OpenFlags.Read },
        { "over-long component", "/" + new string('a', 300), OpenFlags.Read },
        { "backslashes", "..\\decoy\\secret.txt", OpenFlags.Read },
        { "percent-encoded dots", "/%2e%2e/decoy/secret.txt", OpenFlags.Read },
        { "full-width dots", "/\uFF0E\uFF0E/decoy/secret.txt", OpenFlags.Read },
        { "a URL", "file:///decoy/secret.txt", OpenFlags.Read },
        { "trailing slash on a file outside", "/file_out/", OpenFlags.Read },
        { "decoy by name", "/decoy/secret.txt", OpenFlags.Read },
    };

    // The decoy's absolute host path, as a program would write it (filled per run: see the test).
    private const string _decoyPathForData = "@decoy/secret.txt";

    [Theory]
    [MemberData(nameof(Attempts))]
    public void Open_EscapeAttempt_IsRefusedAndTouchesNothingOutside(string attempt, string path, OpenFlags flags)
    {
        path = path.Replace("@decoy", _decoy, StringComparison.Ordinal);
        var before = Fingerprint();
        using var ring = RingFactory.CreateDefault(fileSystem: new HostNamespace(_sandbox)).Create();

        var cqe = ring.RunOne(Sqes.Open(ring.Memory.Put(Encoding.UTF8.GetBytes(path)), flags, save: Reg.R0));

        ((Errno)cqe.Error).ShouldBeOneOf(Refusals, attempt);
        Fingerprint().ShouldBe(before, $"{attempt}: nothing outside the sandbox changed");
    }

    [Fact]
    public void Open_FromADirFdInside_CannotClimbAboveTheRoot()
    {
        var before = Fingerprint();
        using var ring = RingFactory.CreateDefault(fileSystem: new HostNamespace(_sandbox)).Create();
        var sub = ring.RunOne(Sqes.Open(ring.Memory.Put("/sub"), OpenFlags.Read));
        sub.Error.ShouldBe(0);
        var inner = ring.RunOne(Sqes.Open(ring.Memory.Put("/inner"), OpenFlags.Read));
        inner.Error.ShouldBe(0, "a link that stays inside is followed");

        ((Errno)ring.RunOne(Sqes.Open(ring.Memory.Put("../../decoy/secret.txt"), OpenFlags.Read, dirFd: sub.Result)).Error).ShouldBe(Errno.EACCES);
        ((Errno)ring.RunOne(Sqes.Open(ring.Memory.Put("../../../decoy"), OpenFlags.Read, dirFd: inner.Result)).Error).ShouldBe(Errno.EACCES);
        ring.RunOne(Sqes.Open(ring.Memory.Put("../sub/data.txt"), OpenFlags.Read, dirFd: sub.Result)).Error.ShouldBe(0);
        Fingerprint().ShouldBe(before);
    }

    [Theory]
    [InlineData(OpenFlags.Read | OpenFlags.Create | OpenFlags.Exclusive)]
    [InlineData(OpenFlags.Read | OpenFlags.Create)]
    [InlineData(OpenFlags.Write | OpenFlags.Create | OpenFlags.Exclusive)]
    public void Open_CreateWithAnyAccess_CreatesTheFileAndExclusiveRefusesASecond(OpenFlags flags)
    {
        // Found by the fuzzer: READ|CREATE|EXCLUSIVE made File.OpenHandle throw (EIO); the host open takes any mix.
        using var ring = RingFactory.CreateDefault(fileSystem: new HostNamespace(_sandbox)).Create();
        var created = ring.RunOne(Sqes.Open(ring.Memory.Put("/made"), flags));
        ((Errno)created.Error).ShouldBe(Errno.OK);
        File.Exists(Path.Combine(_sandbox, "made")).ShouldBeTrue();
        ring.RunOne(Sqes.Close(created.Result)).Error.ShouldBe(0);
        var again = ((Errno)ring.RunOne(Sqes.Open(ring.Memory.Put("/made"), flags)).Error);
        again.ShouldBe((flags & OpenFlags.Exclusive) != 0 ? Errno.EEXIST : Errno.OK);
    }

    [Fact]
    public void InsideTheSandbox_ReadWriteSeekAndInnerLinksWork()
    {
        using var ring = RingFactory.CreateDefault(fileSystem: new HostNamespace(_sandbox)).Create();
        var text = ring.Memory.Put("written by the ring");
        var buffer = ring.Memory.Reserve(64);
        ring.Push(Sqes.Open(ring.Memory.Put("/sub/new.txt"), OpenFlags.Read | OpenFlags.Write | OpenFlags.Create, save: Reg.R0, link: SqeLink.Link));
        ring.Push(Sqes.Write(Reg.R0, text, text.Length, save: Reg.R1, link: SqeLink.Link));
        ring.Push(Sqes.Seek(Reg.R0, 8, Whence.Set, link: SqeLink.Link));
        ring.Push(Sqes.Read(Reg.R0, buffer, 64, save: Reg.R2, link: SqeLink.Link));
        ring.Push(Sqes.Fsync(Reg.R0, link: SqeLink.Link)); // flushed to the real disk
        ring.Push(Sqes.Close(Reg.R0, link: SqeLink.Link));
        ring.Push(Sqes.Open(ring.Memory.Put("/innerfile"), OpenFlags.Read, save: Reg.R3));
        ring.SubmitAndWait().ShouldBe(new EnterResult(7, Errno.OK));
        while (ring.TryPop(out var cqe))
        {
            cqe.Error.ShouldBe(0, $"step {cqe.Data}");
        }

        ring.Registers[2].ShouldBe(11UL);
        Encoding.UTF8.GetString(buffer.Span[..11]).ShouldBe("by the ring");
        File.ReadAllText(Path.Combine(_sandbox, "sub", "new.txt")).ShouldBe("written by the ring");
    }

    [Theory]
    [InlineData(OpenFlags.Read)]
    [InlineData(OpenFlags.Write)]
    [InlineData(OpenFlags.Read | OpenFlags.Write)]
    public void Open_FifoInsideTheSandbox_IsRefusedWithoutBlocking(OpenFlags flags)
    {
        // Opening a FIFO for reading would block until a writer came, and the kernel with it.
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", Path.Combine(_sandbox, "fifo"))!)
        {
            mkfifo.WaitForExit();
            mkfifo.ExitCode.ShouldBe(0);
        }

        var files = new HostNamespace(_sandbox);
        using var ring = RingFactory.CreateDefault(fileSystem: files).Create();
        ((Errno)ring.RunOne(Sqes.Open(ring.Memory.Put("/fifo"), flags)).Error).ShouldBe(Errno.EACCES);
        files.OpenHandles.ShouldBe(0, "the refused handle was closed again");
    }

    [Fact]
    public void ReadOnlySandbox_RefusesEveryWrite()
    {
        using var ring = RingFactory.CreateDefault(fileSystem: new HostNamespace(_sandbox, readOnly: true)).Create();
        foreach (var flags in new[] { OpenFlags.Write, OpenFlags.Read | OpenFlags.Create, OpenFlags.Write | OpenFlags.Truncate, OpenFlags.Write | OpenFlags.Append })
        {
            ((Errno)ring.RunOne(Sqes.Open(ring.Memory.Put("/sub/data.txt"), flags)).Error).ShouldBe(Errno.EACCES);
        }

        ring.RunOne(Sqes.Open(ring.Memory.Put("/sub/data.txt"), OpenFlags.Read)).Error.ShouldBe(0);
        File.ReadAllText(Path.Combine(_sandbox, "sub", "data.txt")).ShouldBe("inside");
    }

    [Fact]
    public void Cli_CopyExampleWithFs_CopiesARealFile_AndAClimbingPathIsEacces()
    {
        File.WriteAllText(Path.Combine(_sandbox, "input.txt"), "a real file");
        var result = CliRunner.Run("run", Repository.PathOf("examples/copy.vr"), "--fs", _sandbox, "--json");
        result.ExitCode.ShouldBe(0, result.Error);
        File.ReadAllText(Path.Combine(_sandbox, "output.txt")).ShouldBe("a real file");

        var before = Fingerprint();
        var climbing = Path.Combine(_top, "climb.vr");
        File.WriteAllText(climbing, File.ReadAllText(Repository.PathOf("examples/copy.vr")).Replace("\"/output.txt\"", "\"/../decoy/stolen.txt\"", StringComparison.Ordinal));
        result = CliRunner.Run("run", climbing, "--fs", _sandbox, "--json");
        result.ExitCode.ShouldBe(0, result.Error);
        result.Out.ShouldContain("\"step\":1,\"verb\":\"OPEN\",\"data\":1,\"error\":13,\"errno\":\"EACCES\"");
        File.Delete(climbing);
        Fingerprint().ShouldBe(before, "nothing outside the folder changed");
    }

    public void Dispose() => _box.Dispose();

    private void Link(string name, string target) => _box.Link(name, target);

    /// <summary>Everything outside the sandbox, hashed (the box's fingerprint: names, contents, link targets).</summary>
    private string Fingerprint() => _box.Fingerprint();
}
