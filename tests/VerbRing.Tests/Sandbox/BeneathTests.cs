using System.Text;
using VerbRing.Kernel;
using VerbRing.Kernel.Namespaces;
using VerbRing.Registers;
using VerbRing.Tests.Infrastructure;
using VerbRing.Verbs;

namespace VerbRing.Tests.Sandbox;

/// <summary>
/// The host namespace resolves beneath its folder's descriptor, and both ways it can (openat2 RESOLVE_BENEATH and
/// the O_NOFOLLOW walk) hold to one table: every route out — a folder link out (relative or absolute, at every
/// depth), a link to such a link, a chain, a dirfd below it — answers EACCES for every open mode, whether the outside
/// path exists or not (no existence oracle), and nothing outside is created, changed or opened. A folder swapped with
/// an outside link in a tight loop during thousands of opens never lets one through.
/// </summary>
public sealed class BeneathTests : IDisposable
{
    private static readonly OpenFlags[] Modes =
    [
        OpenFlags.Read,
        OpenFlags.Write,
        OpenFlags.Read | OpenFlags.Write | OpenFlags.Create,
        OpenFlags.Write | OpenFlags.Create | OpenFlags.Exclusive,
        OpenFlags.Write | OpenFlags.Truncate,
        OpenFlags.Write | OpenFlags.Append,
        OpenFlags.Read | OpenFlags.Create,
        OpenFlags.Write | OpenFlags.Create | OpenFlags.Truncate | OpenFlags.Append,
    ];

    // What follows a route: outside paths that exist (a file, a folder, a deeper file) and that do not.
    private static readonly string[] Suffixes = ["", "secret.txt", "missing.txt", "nested", "nested/", "nested/deep.txt", "missing/x", "planted", "."];

    private readonly HostBox _box = new();

    public BeneathTests()
    {
        _box.Folder("sub/deeper");
        _box.Folder("b");
        _box.WriteFile("sub/data.txt", "inside");
        _box.WriteFile("a.txt", "alpha");
        _box.Link("link-out", "../decoy");                   // depth 0, relative
        _box.Link("abs-out", _box.Decoy);                     // depth 0, absolute
        _box.Link("via", "link-out");                         // a link to a link that leaves
        _box.Link("via-planted", "link-out/planted");         // the reported escape: a file beyond a folder link
        _box.Link("chain1", "chain2");
        _box.Link("chain2", "chain3");
        _box.Link("chain3", "sub/../../decoy");               // through a folder inside, then out
        _box.Link("sub/up", "../../decoy");                   // depth 1
        _box.Link("sub/abs", _box.Decoy);
        _box.Link("sub/via", "up");
        _box.Link("sub/deeper/up", "../../../decoy");         // depth 2
        _box.Link("sub/deeper/abs", _box.Decoy + "/");
        _box.Link("sub/deeper/sideways", "../../b/../../decoy");
        _box.Link("file-out", "../decoy/secret.txt");
        _box.Link("in-link", "b");
        _box.Link("in-file", "sub/data.txt");
        _box.Link("sub/back", "../a.txt");                    // climbs, stays inside
        _box.Link("sub/deeper/home", "../../sub");
        _box.Link("abs-in", Path.Combine(_box.Sandbox, "a.txt"));
        _box.Link("loop1", "loop2");
        _box.Link("loop2", "loop1");
        _box.Folder("race-dir");
        _box.Link("race-link", "../decoy");
    }

    public static TheoryData<bool, string, string> Routes()
    {
        var data = new TheoryData<bool, string, string>();
        string[][] routes =
        [
            ["/", "/link-out"], ["/", "/abs-out"], ["/", "/via"], ["/", "/via-planted"], ["/", "/file-out"], ["/", "/chain1"], ["/", "/sub/up"], ["/", "/sub/abs"],
            ["/", "/sub/via"], ["/", "/sub/deeper/up"], ["/", "/sub/deeper/abs"], ["/", "/sub/deeper/sideways"],
            ["/", "/sub/deeper/home/up"], ["/", "/in-link/../link-out"],
            ["/sub", "up"], ["/sub", "abs"], ["/sub", "via"], ["/sub", "deeper/up"], ["/sub", "../link-out"],
            ["/sub/deeper", "up"], ["/sub/deeper", "abs"], ["/sub/deeper", "sideways"], ["/sub/deeper", "home/via"],
        ];
        foreach (var walk in new[] { false, true })
        {
            foreach (var route in routes)
            {
                data.Add(walk, route[0], route[1]);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Routes))]
    public void Open_ThroughALinkOut_IsEaccesForEveryModeAndEveryOutsidePath(bool walk, string dirFd, string route)
    {
        var before = _box.Fingerprint();
        using var files = Serve(walk);
        using var ring = RingFactory.CreateDefault(fileSystem: files).Create();
        var start = Abi.FdNone;
        if (dirFd != "/")
        {
            var opened = ring.RunOne(Sqes.Open(ring.Memory.Put(dirFd), OpenFlags.Read));
            ((Errno)opened.Error).ShouldBe(Errno.OK, dirFd);
            start = opened.Result;
        }

        var answers = new List<string>();
        foreach (var suffix in Suffixes)
        {
            var path = suffix.Length == 0 ? route : route + "/" + suffix;
            foreach (var mode in Modes)
            {
                var cqe = ring.RunOne(Sqes.Open(ring.Memory.Put(path), mode, dirFd: start));
                var namesADirectory = suffix.EndsWith('/') || suffix == ".";
                var expected = namesADirectory && (mode & (OpenFlags.Create | OpenFlags.Write)) == (OpenFlags.Create | OpenFlags.Write)
                    ? Errno.EISDIR // "x/" cannot be created as a file: answered before anything is looked up
                    : suffix.Length == 0 && (mode & OpenFlags.Exclusive) != 0
                    ? Errno.EEXIST // the link itself is inside, and CREATE|EXCLUSIVE never follows it
                    : Errno.EACCES;
                if ((Errno)cqe.Error != expected)
                {
                    answers.Add($"{path} {mode}: {(Errno)cqe.Error} (result {cqe.Result})");
                }
            }
        }

        answers.ShouldBeEmpty($"every route out is refused alike (walk: {walk}, from {dirFd})");
        files.OpenHandles.ShouldBe(0);
        File.Exists(Path.Combine(_box.Decoy, "planted")).ShouldBeFalse();
        _box.Fingerprint().ShouldBe(before, "nothing outside the sandbox changed");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Open_LinksThatStayInside_AreFollowed_AndAbsoluteOnesAreRefused(bool walk)
    {
        using var files = Serve(walk);
        if (walk)
        {
            files.Walks.ShouldBeTrue("the walk was asked for");
        }
        using var ring = RingFactory.CreateDefault(fileSystem: files).Create();
        var buffer = ring.Memory.Reserve(16);

        string ReadAll(string path, ulong dirFd = Abi.FdNone)
        {
            var open = ring.RunOne(Sqes.Open(ring.Memory.Put(path), OpenFlags.Read, dirFd: dirFd));
            ((Errno)open.Error).ShouldBe(Errno.OK, path);
            var read = ring.RunOne(Sqes.Read(open.Result, buffer.Address, 16));
            ring.RunOne(Sqes.Close(open.Result)).Error.ShouldBe(0);
            return Encoding.UTF8.GetString(buffer.Span[..(int)read.Result]);
        }

        ReadAll("/in-file").ShouldBe("inside");
        ReadAll("/sub/back").ShouldBe("alpha");
        ReadAll("/sub/deeper/home/data.txt").ShouldBe("inside");
        var deeper = ring.RunOne(Sqes.Open(ring.Memory.Put("/sub/deeper"), OpenFlags.Read)).Result;
        ReadAll("home/back", deeper).ShouldBe("alpha");
        ReadAll("../data.txt", deeper).ShouldBe("inside");
        ((Errno)ring.RunOne(Sqes.Open(ring.Memory.Put("/abs-in"), OpenFlags.Read)).Error).ShouldBe(Errno.EACCES, "absolute links are never followed");
        ((Errno)ring.RunOne(Sqes.Open(ring.Memory.Put("/loop1"), OpenFlags.Read)).Error).ShouldBe(Errno.ELOOP);

        var created = ring.RunOne(Sqes.Open(ring.Memory.Put("/in-link/new.txt"), OpenFlags.Write | OpenFlags.Create | OpenFlags.Exclusive));
        ((Errno)created.Error).ShouldBe(Errno.OK);
        File.Exists(Path.Combine(_box.Sandbox, "b", "new.txt")).ShouldBeTrue("created through a link that stays inside");
        ring.RunOne(Sqes.Close(created.Result)).Error.ShouldBe(0);
        ring.RunOne(Sqes.Close(deeper)).Error.ShouldBe(0);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Open_WhileAFolderIsSwappedWithALinkOut_NeverReachesOutside(bool walk)
    {
        var before = _box.Fingerprint();
        using var files = Serve(walk);
        using var ring = RingFactory.CreateDefault(fileSystem: files).Create(new RingOptions { SqEntries = 8, CqEntries = 8 });
        var planted = ring.Memory.Put("/race-dir/planted");
        var secret = ring.Memory.Put("/race-dir/secret.txt");
        var folder = ring.Memory.Put("/race-dir");
        var relative = ring.Memory.Put("planted");
        var text = ring.Memory.Put("x");
        var buffer = ring.Memory.Reserve(64);

        using var stop = new CancellationTokenSource();
        var swaps = 0;
        var swapper = new Thread(() =>
        {
            // Bounded: stops when the opens are done, or after a million swaps whatever happens.
            while (!stop.IsCancellationRequested && swaps < 1_000_000 && _box.Exchange("race-dir", "race-link"))
            {
                swaps++;
            }
        }) { IsBackground = true };
        swapper.Start();

        int opened = 0, refused = 0, attempts = 0;
        try
        {
            // Until both outcomes were seen many times (the swap really raced the opens), at most 20 000 attempts.
            while (attempts < 20_000 && (attempts < 3_000 || opened < 200 || refused < 200))
            {
                attempts++;
                var (path, flags) = (attempts % 4) switch
                {
                    0 => (planted, OpenFlags.Write | OpenFlags.Create),
                    1 => (secret, OpenFlags.Read),
                    2 => (planted, OpenFlags.Write | OpenFlags.Create | OpenFlags.Truncate | OpenFlags.Append),
                    _ => (folder, OpenFlags.Read),
                };
                var cqe = ring.RunOne(Sqes.Open(path, flags, save: Reg.R0));
                if (cqe.Error != 0)
                {
                    ((Errno)cqe.Error).ShouldBeOneOf([Errno.EACCES, Errno.ENOENT], "a swap only ever makes an open fail as an escape or a miss");
                    refused++;
                    continue;
                }

                opened++;
                var fd = cqe.Result;
                if (attempts % 4 == 3)
                {
                    // A dirfd taken mid-race: whatever it is now called, creating beneath it stays inside.
                    var inner = ring.RunOne(Sqes.Open(relative, OpenFlags.Write | OpenFlags.Create, dirFd: fd));
                    if (inner.Error == 0)
                    {
                        ring.RunOne(Sqes.Write(inner.Result, text.Address, 1)).Error.ShouldBe(0);
                        ring.RunOne(Sqes.Close(inner.Result)).Error.ShouldBe(0);
                    }
                }
                else
                {
                    ring.RunOne((flags & OpenFlags.Write) != 0 ? Sqes.Write(fd, text.Address, 1) : Sqes.Read(fd, buffer.Address, 64));
                }

                ring.RunOne(Sqes.Close(fd)).Error.ShouldBe(0);
            }
        }
        finally
        {
            stop.Cancel();
            swapper.Join();
        }

        swaps.ShouldBeGreaterThan(0, "the swap ran");
        opened.ShouldBeGreaterThan(0, "some opens found the real folder");
        refused.ShouldBeGreaterThan(0, "some opens found the link out");
        File.Exists(Path.Combine(_box.Decoy, "planted")).ShouldBeFalse("nothing was created outside");
        files.OpenHandles.ShouldBe(0);
        _box.Fingerprint().ShouldBe(before, "nothing outside the sandbox changed");
    }

    [Fact]
    public void Open_ThroughADotDotLink_WhileTheHostRenamesElsewhere_NeverAnswersEagain()
    {
        // openat2 refuses a ".." step while any rename on the host may race it (EAGAIN); the namespace must not pass
        // that on: a busy host renames all the time. Renames in a folder nowhere near the path, as another program's.
        var elsewhere = Directory.CreateTempSubdirectory("verbring-renames-").FullName;
        File.WriteAllText(Path.Combine(elsewhere, "a"), "x");
        using var files = Serve(walk: false);
        using var ring = RingFactory.CreateDefault(fileSystem: files).Create();
        var path = ring.Memory.Put("/sub/deeper/home/data.txt"); // home -> ../../sub: two ".." steps
        using var stop = new CancellationTokenSource();
        var renamer = new Thread(() =>
        {
            for (var i = 0; i < 2_000_000 && !stop.IsCancellationRequested; i++)
            {
                File.Move(Path.Combine(elsewhere, i % 2 == 0 ? "a" : "b"), Path.Combine(elsewhere, i % 2 == 0 ? "b" : "a"));
            }
        }) { IsBackground = true };
        renamer.Start();
        var answers = new Dictionary<Errno, int>();
        try
        {
            for (var i = 0; i < 5_000; i++)
            {
                var cqe = ring.RunOne(Sqes.Open(path, OpenFlags.Read, save: Reg.R0));
                answers[(Errno)cqe.Error] = answers.GetValueOrDefault((Errno)cqe.Error) + 1;
                if (cqe.Error == 0)
                {
                    ring.RunOne(Sqes.Close(Reg.R0)).Error.ShouldBe(0);
                }
            }
        }
        finally
        {
            stop.Cancel();
            renamer.Join();
            Directory.Delete(elsewhere, recursive: true);
        }

        answers.Keys.ToList().ShouldBe([Errno.OK], "every open succeeded, whatever the host renamed meanwhile");
    }

    public void Dispose() => _box.Dispose();

    private HostNamespace Serve(bool walk) =>
        new(_box.Sandbox, readOnly: false, maxFileSize: 1 << 20, walk ? HostResolution.Walk : HostResolution.Auto);
}
