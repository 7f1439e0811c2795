using System.Diagnostics;
using System.Text;
using VerbRing.Kernel;
using VerbRing.Kernel.Namespaces;
using VerbRing.Registers;
using VerbRing.Tests.Infrastructure;
using VerbRing.Verbs;

namespace VerbRing.Tests.Sandbox;

/// <summary>
/// The host's own answers reach the CQE as they are: EMFILE when the process is out of descriptors, ENOSPC with the
/// count written when a disk fills part-way (the save register gets the count too), ENOSPC past a ring's
/// host-bytes budget — shared by every ring that names it, and paid for growth only — and a served folder whose
/// parent is a link works.
/// </summary>
public sealed class HostErrnoTests : IDisposable
{
    private readonly HostBox _box = new();

    [Fact]
    public async Task Open_OutOfProcessDescriptors_IsEmfileNotEacces()
    {
        // A child process under `ulimit -n 64`: the runtime takes some, the ring's OPENs meet the limit long before
        // its own table (64 descriptors) is full, so every failure is the host's EMFILE.
        _box.WriteFile("f", "x");
        var program = Path.Combine(_box.Top, "many.vr");
        File.WriteAllText(program, string.Concat(Enumerable.Repeat("open \"/f\"\n", 60)));
        var start = new ProcessStartInfo("sh") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "-c", "ulimit -n 64 && exec dotnet \"$0\" \"$@\"", Path.Combine(AppContext.BaseDirectory, "verbring.dll"), "run", program, "--fs", _box.Sandbox, "--json" })
        {
            start.ArgumentList.Add(arg);
        }

        using var child = Process.Start(start)!;
        var output = child.StandardOutput.ReadToEndAsync();
        var error = await child.StandardError.ReadToEndAsync();
        await child.WaitForExitAsync();
        child.ExitCode.ShouldBe(0, error);

        var errnos = System.Text.RegularExpressions.Regex.Matches(await output, "\"errno\":\"([A-Z]+)\"").Select(m => m.Groups[1].Value).ToList();
        errnos.Count.ShouldBe(60);
        errnos.Count(e => e == "OK").ShouldBeInRange(1, 59, "some opened, then the process limit was met");
        errnos.Where(e => e != "OK").Distinct().ShouldBe(["EMFILE"]);
    }

    [Fact]
    public void Write_DiskFillsPartWay_IsEnospcWithTheCountWritten()
    {
        // A 1 MiB tmpfs mounted for this test (the tests run as root, as CI does); a 2 MiB write fills it part-way.
        var disk = _box.Folder("disk");
        Mount(disk, "size=1m");
        try
        {
            using var files = new HostNamespace(disk);
            using var ring = RingFactory.CreateDefault(fileSystem: files).Create(new RingOptions { UserMemorySize = 3u << 20 });
            var data = ring.Memory.Reserve(2u << 20);
            data.Span.Fill(0x5A);
            ring.Push(Sqes.Open(ring.Memory.Put("/big"), OpenFlags.Write | OpenFlags.Create, save: Reg.R0, link: SqeLink.Link));
            ring.Push(Sqes.Write(Reg.R0, data.Address, 2u << 20, save: Reg.R1, link: SqeLink.HardLink));
            ring.Push(Sqes.Close(Reg.R0));
            ring.SubmitAndWait().ShouldBe(new EnterResult(3, Errno.OK));
            var cqes = new List<Cqe>();
            while (ring.TryPop(out var cqe))
            {
                cqes.Add(cqe);
            }

            ((Errno)cqes[1].Error).ShouldBe(Errno.ENOSPC);
            cqes[1].Result.ShouldBeInRange(1UL, (2UL << 20) - 1, "part was written before the disk filled");
            ring.Registers[1].ShouldBe(cqes[1].Result, "the save register gets the partial count");
            cqes[2].Error.ShouldBe(0, "CLOSE ran: HARDLINK goes on after a failure");
            new FileInfo(Path.Combine(disk, "big")).Length.ShouldBe((long)cqes[1].Result);
        }
        finally
        {
            Unmount(disk);
        }
    }

    [Fact]
    public void Write_PastTheHostBytesBudget_WritesWhatIsLeftThenEnospc_SharedAcrossRings()
    {
        var budget = new HostBytesBudget(10_000);
        var policy = new RingPolicy { HostBytes = budget };
        using var files = new HostNamespace(_box.Sandbox);
        var factory = RingFactory.CreateDefault(fileSystem: files);
        using var first = factory.Create(new RingOptions { Policy = policy });
        using var second = factory.Create(new RingOptions { Policy = policy });
        var chunk = first.Memory.Reserve(4096);
        var other = second.Memory.Reserve(4096);

        var fd = first.RunOne(Sqes.Open(first.Memory.Put("/grown"), OpenFlags.Read | OpenFlags.Write | OpenFlags.Create)).Result;
        first.RunOne(Sqes.Write(fd, chunk.Address, 4096)).Result.ShouldBe(4096UL);
        first.RunOne(Sqes.Write(fd, chunk.Address, 4096, offset: 0)).Result.ShouldBe(4096UL, "overwriting adds nothing: it is free");
        budget.Used.ShouldBe(4096);
        first.RunOne(Sqes.Write(fd, chunk.Address, 4096)).Result.ShouldBe(4096UL);

        var cut = first.RunOne(Sqes.Write(fd, chunk.Address, 4096, save: Reg.R2));
        ((Errno)cut.Error).ShouldBe(Errno.ENOSPC);
        cut.Result.ShouldBe(10_000UL - 8192, "what was left of the budget was written");
        first.Registers[2].ShouldBe(cut.Result);
        budget.Used.ShouldBe(10_000);

        var theirs = second.RunOne(Sqes.Open(second.Memory.Put("/theirs"), OpenFlags.Write | OpenFlags.Create)).Result;
        var refused = second.RunOne(Sqes.Write(theirs, other.Address, 1));
        ((Errno)refused.Error).ShouldBe(Errno.ENOSPC, "the second ring draws on the same budget");
        refused.Result.ShouldBe(Abi.Err, "nothing was written, so the result is ERR");
        new FileInfo(Path.Combine(_box.Sandbox, "grown")).Length.ShouldBe(10_000);
        new FileInfo(Path.Combine(_box.Sandbox, "theirs")).Length.ShouldBe(0);
        first.RunOne(Sqes.Close(fd)).Error.ShouldBe(0);
        second.RunOne(Sqes.Close(theirs)).Error.ShouldBe(0);
    }

    [Fact]
    public void Cli_MaxHostBytes_CutsTheCopy()
    {
        _box.WriteFile("input.txt", "0123456789");
        var result = CliRunner.Run("run", Repository.PathOf("examples/copy.vr"), "--fs", _box.Sandbox, "--max-host-bytes", "4", "--json");
        result.ExitCode.ShouldBe(0, result.Error);
        result.Out.ShouldContain("\"verb\":\"WRITE\",\"data\":3,\"error\":28,\"errno\":\"ENOSPC\",\"result\":4");
        File.ReadAllText(Path.Combine(_box.Sandbox, "output.txt")).ShouldBe("0123");

        var bad = CliRunner.Run("run", Repository.PathOf("examples/copy.vr"), "--fs", _box.Sandbox, "--max-host-bytes", "4X");
        bad.ExitCode.ShouldNotBe(0);
        bad.Error.Trim().ShouldBe("verbring: --max-host-bytes 4X: write a number of bytes, optionally with K, M or G (like 64M)");
    }

    [Fact]
    public void Cli_FsThroughALinkedParent_ServesTheFolder()
    {
        // --fs LINK/box: the folder's own path is resolved once, as its owner wrote it; only paths inside are confined.
        var real = Directory.CreateDirectory(Path.Combine(_box.Top, "real", "box")).FullName;
        File.WriteAllText(Path.Combine(real, "input.txt"), "through a linked parent");
        File.CreateSymbolicLink(Path.Combine(_box.Top, "alias"), Path.Combine(_box.Top, "real"));
        var result = CliRunner.Run("run", Repository.PathOf("examples/copy.vr"), "--fs", Path.Combine(_box.Top, "alias", "box"), "--json");
        result.ExitCode.ShouldBe(0, result.Error);
        File.ReadAllText(Path.Combine(real, "output.txt")).ShouldBe("through a linked parent");
    }

    [Fact]
    public void Read_AndWrite_OnAHostFile_AnswerTheHostsErrnos()
    {
        _box.WriteFile("a.txt", "alpha");
        using var files = new HostNamespace(_box.Sandbox);
        using var ring = RingFactory.CreateDefault(fileSystem: files).Create();
        var buffer = ring.Memory.Reserve(8);
        var fd = ring.RunOne(Sqes.Open(ring.Memory.Put("/a.txt"), OpenFlags.Read)).Result;
        ((Errno)ring.RunOne(Sqes.Write(fd, buffer.Address, 1)).Error).ShouldBe(Errno.EBADF, "not open for WRITE");
        var read = ring.RunOne(Sqes.Read(fd, buffer.Address, 8, offset: 1));
        read.Result.ShouldBe(4UL);
        Encoding.UTF8.GetString(buffer.Span[..4]).ShouldBe("lpha");
        ring.RunOne(Sqes.Read(fd, buffer.Address, 8, offset: 100)).Result.ShouldBe(0UL, "past the end reads nothing");
        ring.RunOne(Sqes.Fsync(fd)).Error.ShouldBe(0);
        ring.RunOne(Sqes.Close(fd)).Error.ShouldBe(0);
        files.OpenHandles.ShouldBe(0);
    }

    public void Dispose() => _box.Dispose();

    private static void Mount(string folder, string options)
    {
        using var mount = Process.Start("mount", ["-t", "tmpfs", "-o", options, "tmpfs", folder])!;
        mount.WaitForExit();
        mount.ExitCode.ShouldBe(0, "mounting a small tmpfs needs root (the tests run as root, as CI does)");
    }

    private static void Unmount(string folder)
    {
        using var umount = Process.Start("umount", [folder])!;
        umount.WaitForExit();
    }
}
