using System.Diagnostics;
using System.Globalization;
using VerbRing.Kernel;
using VerbRing.Kernel.Server;
using VerbRing.Tests.Infrastructure;
using VerbRing.Verbs.Client;

namespace VerbRing.Tests.Server;

/// <summary>
/// <c>verbring serve --socket PATH</c> never deletes what it did not make (spec/transport.md, "The socket file"):
/// whatever is at PATH — a file of any kind, a folder, a link, a socket a server answers on — is left exactly as it
/// was (type, device, inode, mode, owner, size, times, content), with one line on stderr and exit 1; only a socket
/// nobody answers on is replaced. Every other startup error is one line too. The socket is made in a private folder
/// beside PATH and moved onto it with exactly the mode asked for; that folder is gone afterwards, served or refused.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class SocketPathTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("verbring-socket-path-").FullName;

    public static TheoryData<string> TakenPaths => ["dotfile", "read-only file", "empty file", "plain file", "folder", "symbolic link", "dangling symbolic link", "missing folder", "live socket"];

    [Theory]
    [MemberData(nameof(TakenPaths))]
    public void Serve_OnAPathItDidNotMake_LeavesItAsItWas_PrintsOneLine_AndExitsNonZero(string what)
    {
        var (path, expected) = Make(what);
        using var live = what == "live socket" ? new RingServer(RingFactory.CreateDefault(), path) : null;
        var before = Snapshot(path);
        var beside = Entries(_folder);
        using var events = new FolderEvents(_folder);

        var result = CliRunner.Run("serve", "--socket", path);

        Snapshot(path).ShouldBe(before, "the path is left exactly as it was");
        Entries(_folder).ShouldBe(beside, "nothing the server made is left beside the path: no private folder, no socket");
        events.Read().Where(e => e.EndsWith(" " + Path.GetFileName(path), StringComparison.Ordinal)).ShouldBeEmpty("nothing was made, changed or removed under the path's name");
        result.ExitCode.ShouldBe(1);
        result.Out.ShouldBeEmpty();
        result.Error.ShouldBe($"verbring: Cannot listen on '{path}': {expected}.\n");
        if (live is not null)
        {
            using var client = RingClient.Connect(path);
            client.Enter(0, 0).IsSuccess.ShouldBeTrue("the server that owns the socket still serves on it");
        }
    }

    [Theory]
    [InlineData("--socket-mode", "999", "--socket-mode '999' is not an octal file mode from 000 to 777 (such as 600 or 660).")]
    [InlineData("--socket-mode", "rw", "--socket-mode 'rw' is not an octal file mode from 000 to 777 (such as 600 or 660).")]
    [InlineData("--socket-mode", "4600", "--socket-mode '4600' is not an octal file mode from 000 to 777 (such as 600 or 660).")]
    [InlineData("--allow-uid", "alice", "--allow-uid 'alice' is not a numeric id (0 to 4294967294).")]
    [InlineData("--allow-uid", "-1", "--allow-uid '-1' is not a numeric id (0 to 4294967294).")]
    [InlineData("--allow-uid", "4294967295", "--allow-uid '4294967295' is not a numeric id (0 to 4294967294).")]
    [InlineData("--allow-gid", "100,x", "--allow-gid 'x' is not a numeric id (0 to 4294967294).")]
    public void Serve_WithABadAccessOption_PrintsOneLine_ExitsNonZero_AndMakesNoSocket(string option, string value, string expected)
    {
        var path = Path.Combine(_folder, "s.sock");

        var result = CliRunner.Run("serve", "--socket", path, $"{option}={value}");

        result.ExitCode.ShouldBe(1);
        result.Error.ShouldBe($"verbring: {expected}\n");
        Snapshot(path).ShouldBe("absent");
    }

    [Theory]
    [InlineData("--socket-mode")]
    [InlineData("--allow-uid")]
    [InlineData("--allow-gid")]
    public void Serve_WithAnAccessOptionButNoValue_PrintsOneLine_ExitsNonZero_AndMakesNoSocket(string option)
    {
        var path = Path.Combine(_folder, "s.sock");

        var result = CliRunner.Run("serve", "--socket", path, option);

        result.ExitCode.ShouldBe(1);
        result.Error.ShouldBe($"verbring: {option} needs a value.\n");
        Snapshot(path).ShouldBe("absent");
    }

    [Fact]
    public void Serve_OnTheStaleSocketOfAKilledServer_ReplacesIt_AndRemovesItsOwnAtTheEnd()
    {
        var path = Path.Combine(_folder, "stale.sock");
        LeaveStaleSocket(path);

        var stale = Snapshot(path);
        stale.ShouldStartWith("socket ");
        CliRunner.Run("run", Repository.PathOf("examples/hello.vr"), "--connect", path).Error
            .ShouldBe($"verbring: --connect {path}: No server answers there (it is a stale socket, or not a socket).\n");

        using var events = new FolderEvents(_folder);
        using (var server = new RingServer(RingFactory.CreateDefault(), path))
        {
            events.Read().Where(e => e.EndsWith(" stale.sock", StringComparison.Ordinal)).ShouldBe(["delete stale.sock", "moved_to stale.sock"]);
            Snapshot(path).ShouldNotBe(stale, "a new socket file took the stale one's place");
            Entries(_folder).ShouldBe(["stale.sock"], "the private folder the socket was made in is gone");
            using var client = RingClient.Connect(path);
            client.Enter(0, 0).IsSuccess.ShouldBeTrue();
        }

        Snapshot(path).ShouldBe("absent");
        Entries(_folder).ShouldBeEmpty();
    }

    [Theory]
    [InlineData(0x180)] // 0600, the default
    [InlineData(0x1B0)] // 0660
    [InlineData(0x1FF)] // 0777: more than the umask (022 or 077) would let a created file have
    [InlineData(0x000)]
    public void RingServer_WithASocketMode_PutsASocketOfExactlyThatMode_AndNothingElse_AtThePath(int mode)
    {
        var path = Path.Combine(_folder, "mode.sock");
        using var events = new FolderEvents(_folder);

        using (var server = new RingServer(RingFactory.CreateDefault(), path, new RingServerOptions { SocketMode = (UnixFileMode)mode }))
        {
            Snapshot(path).ShouldStartWith("socket ");
            System.IO.File.GetUnixFileMode(path).ShouldBe((UnixFileMode)mode);
            Entries(_folder).ShouldBe(["mode.sock"], "the private folder the socket was made in is gone");
            events.Read().Where(e => e.EndsWith(" mode.sock", StringComparison.Ordinal)).ShouldBe(["moved_to mode.sock"],
                "the socket arrived whole, mode set, by a rename: it was never created, nor its mode changed, at the path");
            using var client = RingClient.Connect(path); // root: any mode lets it connect
            client.Enter(0, 0).IsSuccess.ShouldBeTrue("the socket was listening as it appeared at the path");
        }

        Entries(_folder).ShouldBeEmpty("the server removes its own socket as it stops");
    }

    [Fact]
    public void RingServer_OnAPathWhoseLinkPointsAtAFileOfItsOwn_NeitherReplacesTheLinkNorChangesTheFile()
    {
        // The file a chmod through the link would change: this user's, of a mode the server would never give.
        var target = Path.Combine(_folder, "precious.txt");
        System.IO.File.WriteAllText(target, "keep me\n");
        System.IO.File.SetUnixFileMode(target, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);
        var path = Path.Combine(_folder, "planted.sock");
        System.IO.File.CreateSymbolicLink(path, target);
        var before = Snapshot(path); // the link, and through it the target: type, inode, mode, times, bytes

        var refused = Should.Throw<IOException>(() => new RingServer(RingFactory.CreateDefault(), path, new RingServerOptions { SocketMode = (UnixFileMode)0x1FF }));

        refused.Message.ShouldBe($"Cannot listen on '{path}': it is a symbolic link, not a socket; the server leaves it as it is.");
        Snapshot(path).ShouldBe(before);
        Entries(_folder).ShouldBe(["planted.sock", "precious.txt"]);
    }

    [Fact]
    public void Serve_AsAUserWhoMayNotWriteTheFolder_SaysPermissionDenied_AndLeavesTheFolderAsItWas()
    {
        System.IO.File.SetUnixFileMode(_folder, (UnixFileMode)0x1ED); // 0755: uid 65534 may enter it, not write in it
        var path = Path.Combine(_folder, "denied.sock");

        var result = Unprivileged.Run("dotnet", Unprivileged.Verbring("serve", "--socket", path));

        result.Code.ShouldBe(1);
        result.Error.ShouldBe($"verbring: Cannot listen on '{path}': permission denied.\n");
        Entries(_folder).ShouldBeEmpty();
    }

    [Fact]
    public void Serve_OnAnotherUsersStaleSocket_InAStickyFolder_SaysPermissionDenied_AndLeavesIt()
    {
        System.IO.File.SetUnixFileMode(_folder, (UnixFileMode)0x3FF); // 1777: anyone may add a name, only its owner remove it
        var path = Path.Combine(_folder, "roots.sock");
        LeaveStaleSocket(path);
        System.IO.File.SetUnixFileMode(path, (UnixFileMode)0x1B6); // 0666: uid 65534 may probe it, and finds it stale
        var before = Snapshot(path);

        var result = Unprivileged.Run("dotnet", Unprivileged.Verbring("serve", "--socket", path));

        result.Code.ShouldBe(1);
        result.Error.ShouldBe($"verbring: Cannot listen on '{path}': permission denied.\n");
        Snapshot(path).ShouldBe(before, "root's stale socket is left as it was");
        Entries(_folder).ShouldBe(["roots.sock"], "the private folder uid 65534's server made is gone");
    }

    [Fact]
    public void RingServer_WhoseSocketWasReplaced_LeavesTheReplacementAlone()
    {
        var path = Path.Combine(_folder, "replaced.sock");
        var server = new RingServer(RingFactory.CreateDefault(), path);
        File.Delete(path);
        File.WriteAllText(path, "someone else's");
        var before = Snapshot(path);

        server.Dispose();

        Snapshot(path).ShouldBe(before);
    }

    [Fact]
    public void RunConnect_ToAMissingSocket_SaysSoInOneLine()
    {
        var path = Path.Combine(_folder, "nobody-here.sock");

        var result = CliRunner.Run("run", Repository.PathOf("examples/hello.vr"), "--connect", path);

        result.ExitCode.ShouldNotBe(0);
        result.Error.ShouldBe($"verbring: --connect {path}: No server: nothing is there.\n");
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>Starts a server on <paramref name="path"/> and kills it (SIGKILL): its socket file stays, nobody answers on it.</summary>
    private static void LeaveStaleSocket(string path)
    {
        using var killed = CliRunner.Start("serve", "--socket", path);
        killed.StandardOutput.ReadLine().ShouldBe($"verbring: serving on {path}");
        killed.Kill();
        killed.WaitForExit();
    }

    /// <summary>The names in <paramref name="folder"/>, hidden ones too, sorted; none when it does not exist.</summary>
    private static string[] Entries(string folder) =>
        Directory.Exists(folder) ? [.. Directory.GetFileSystemEntries(folder).Select(Path.GetFileName).Order(StringComparer.Ordinal)!] : [];

    /// <summary>Puts <paramref name="what"/> at a path of the folder; returns the path and the refusal's reason.</summary>
    private (string Path, string Reason) Make(string what)
    {
        const string File = "it is a file, not a socket; the server leaves it as it is";
        var path = Path.Combine(_folder, what.Replace(' ', '-') + ".sock");
        switch (what)
        {
            case "dotfile":
                path = Path.Combine(_folder, ".verbring");
                System.IO.File.WriteAllText(path, "settings = 1\n");
                return (path, File);
            case "read-only file":
                System.IO.File.WriteAllText(path, "keep me\n");
                System.IO.File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
                return (path, File);
            case "empty file":
                System.IO.File.WriteAllBytes(path, []);
                return (path, File);
            case "plain file":
                System.IO.File.WriteAllText(path, "an ordinary file\n");
                return (path, File);
            case "folder":
                Directory.CreateDirectory(path);
                System.IO.File.WriteAllText(Path.Combine(path, "inside.txt"), "inside\n");
                return (path, "it is a folder, not a socket; the server leaves it as it is");
            case "symbolic link":
                var target = Path.Combine(_folder, "target.txt");
                System.IO.File.WriteAllText(target, "the link's target\n");
                System.IO.File.CreateSymbolicLink(path, target);
                return (path, "it is a symbolic link, not a socket; the server leaves it as it is");
            case "dangling symbolic link": // a socket made through it would appear at the target: it stays absent
                System.IO.File.CreateSymbolicLink(path, Path.Combine(_folder, "nothing-yet.sock"));
                return (path, "it is a symbolic link, not a socket; the server leaves it as it is");
            case "missing folder":
                var missing = Path.Combine(_folder, "missing");
                return (Path.Combine(missing, "s.sock"), $"the folder '{missing}' does not exist");
            default: // a live socket: the test starts a server on it
                return (path, "it is in use: another server answers on it");
        }
    }

    /// <summary>
    /// Everything about what is at <paramref name="path"/>, not following a link: type, device, inode, mode, owner,
    /// links, size, modification and change times (ns) — and a file's bytes, a folder's entries, a link's target.
    /// </summary>
    private static string Snapshot(string path)
    {
        var stat = Process.Start(new ProcessStartInfo("stat", ["-c", "%F %d %i %a %u %g %h %s %.9Y %.9Z", "--", path]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var line = stat.StandardOutput.ReadToEnd().Trim();
        stat.WaitForExit();
        if (stat.ExitCode != 0)
        {
            return Directory.Exists(Path.GetDirectoryName(path)) ? "absent" : "absent, folder and all";
        }

        var info = new FileInfo(path);
        var content = info.LinkTarget is { } target ? $"-> {target} ({Snapshot(target)})"
            : line.StartsWith("directory", StringComparison.Ordinal) ? string.Join(',', Directory.GetFileSystemEntries(path).Select(e => Snapshot(e)))
            : line.StartsWith("socket", StringComparison.Ordinal) ? ""
            : Convert.ToHexString(File.ReadAllBytes(path));
        return string.Create(CultureInfo.InvariantCulture, $"{line} {content}");
    }
}
