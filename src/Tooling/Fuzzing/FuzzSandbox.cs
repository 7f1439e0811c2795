using System.IO.Enumeration;
using System.Security.Cryptography;
using System.Text;

namespace VerbRing.Tooling.Fuzzing;

/// <summary>
/// The fuzzer's folders on the host: <c>box/sandbox</c>, the folder a round's namespace serves — files, subfolders,
/// links that stay inside and links that lead out (to the decoy directly, absolutely, through a chain, in a loop) —
/// and <c>box/decoy</c> beside it, whose tree hash must never change. <c>sock</c> holds the server's sockets.
/// </summary>
internal sealed partial class FuzzSandbox : IDisposable
{
    private const string RamDisk = "/dev/shm";

    private readonly string _top;
    private readonly string _box;
    private readonly byte[] _buffer = new byte[4096];

    /// <summary>Makes a fresh folder for one run under <paramref name="workDirectory"/> (see <see cref="FuzzOptions.WorkDirectory"/>).</summary>
    public FuzzSandbox(string? workDirectory)
    {
        var parent = workDirectory ?? (Directory.Exists(RamDisk) ? RamDisk : Path.GetTempPath());
        _top = Path.GetFullPath(Path.Combine(parent, $"verbring-fuzz-{Guid.NewGuid():N}"[..26]));
        Directory.CreateDirectory(_top);
        _top = new DirectoryInfo(_top).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? _top;
        _box = Directory.CreateDirectory(Path.Combine(_top, "box")).FullName;
        SandboxPath = Path.Combine(_box, "sandbox");
        DecoyPath = Path.Combine(_box, "decoy");
        SocketFolder = Directory.CreateDirectory(Path.Combine(_top, "sock")).FullName;
    }

    /// <summary>The folder a round's namespace serves as its root.</summary>
    public string SandboxPath { get; }

    /// <summary>The folder beside the sandbox that nothing may touch.</summary>
    public string DecoyPath { get; }

    /// <summary>Where the server's sockets go (outside the hashed tree: they come and go).</summary>
    public string SocketFolder { get; }

    /// <summary>
    /// Lays the sandbox and the decoy out afresh (whatever the last round did to them) and returns the hash that
    /// <see cref="HashOutside"/> must keep giving until the next reset.
    /// </summary>
    public string Reset()
    {
        foreach (var entry in Directory.EnumerateFileSystemEntries(_box))
        {
            DeleteEntry(entry); // links are removed, never followed
        }

        Directory.CreateDirectory(DecoyPath);
        File.WriteAllText(Path.Combine(DecoyPath, "secret"), "do not touch");
        Directory.CreateDirectory(Path.Combine(DecoyPath, "nested"));
        File.WriteAllText(Path.Combine(DecoyPath, "nested", "deep.txt"), "nor this");

        Directory.CreateDirectory(Path.Combine(SandboxPath, "b", "d"));
        Directory.CreateDirectory(Path.Combine(SandboxPath, "sub"));
        File.WriteAllText(Path.Combine(SandboxPath, "a.txt"), "alpha");
        File.WriteAllText(Path.Combine(SandboxPath, "b", "c.txt"), "gamma");
        File.WriteAllText(Path.Combine(SandboxPath, "sub", "data.txt"), "inside");
        File.WriteAllBytes(Path.Combine(SandboxPath, "empty"), []);
        Link("in-link", "b");
        Link("in-file", "a.txt");
        Link("link-out", "../decoy");
        Link("abs-out", DecoyPath);
        Link("file-out", "../decoy/secret");
        Link("chain1", "chain2");
        Link("chain2", "chain3");
        Link("chain3", "../decoy");
        Link("loop1", "loop2");
        Link("loop2", "loop1");
        Link(Path.Combine("b", "up"), "../../decoy");

        // The shapes of the escapes openat2 closed: a file beyond a folder link, links at depth, an absolute one
        // below the root, and a folder that a swapper exchanges with a link out while the round runs (Swap).
        Directory.CreateDirectory(Path.Combine(SandboxPath, "sub", "deeper"));
        Directory.CreateDirectory(Path.Combine(SandboxPath, "race-dir"));
        Link("via", "link-out/planted");
        Link("via-sub", "link-out/nested");
        Link(Path.Combine("sub", "deeper", "up"), "../../../decoy");
        Link(Path.Combine("sub", "abs"), DecoyPath);
        Link("race-link", "../decoy");
        return HashOutside();
    }

    /// <summary>
    /// SHA-256 over everything outside the sandbox that an escape could touch: the names beside the sandbox (and
    /// beside the box), and the decoy's tree with every file's contents and every link's target. Never descends
    /// into the sandbox. Runs after every enter, so it reads each entry's kind from the directory listing itself.
    /// </summary>
    public string HashOutside()
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var (path, _) in Entries(_top, recurse: false).Concat(Entries(_box, recurse: false)))
        {
            hash.AppendData(Encoding.UTF8.GetBytes(path + "\n"));
        }

        foreach (var (path, kind) in Entries(DecoyPath, recurse: true))
        {
            hash.AppendData(Encoding.UTF8.GetBytes($"{kind}:{path}\n"));
            if (kind == EntryKind.Link)
            {
                hash.AppendData(Encoding.UTF8.GetBytes(new FileInfo(path).LinkTarget ?? ""));
            }
            else if (kind == EntryKind.File)
            {
                AppendContents(hash, path);
            }
        }

        return Convert.ToHexString(hash.GetHashAndReset());
    }

    /// <summary>
    /// The host handles this process holds on anything in the run's folder (read from /proc/self/fd): after a
    /// ring's teardown there must be none. Empty where /proc is not there to ask.
    /// </summary>
    public List<string> FindOpenHandles()
    {
        var found = new List<string>();
        if (!Directory.Exists("/proc/self/fd"))
        {
            return found;
        }

        var prefix = _box + "/";
        foreach (var fd in Directory.GetFileSystemEntries("/proc/self/fd"))
        {
            try
            {
                if (new FileInfo(fd).LinkTarget is { } target && target.StartsWith(prefix, StringComparison.Ordinal))
                {
                    found.Add(target);
                }
            }
            catch (IOException)
            {
                // The descriptor was closed while we looked: not ours, and not open.
            }
        }

        return found;
    }

    /// <summary>
    /// Starts exchanging <c>race-dir</c> (a folder) with <c>race-link</c> (a link out) in a tight loop on a thread of
    /// its own, until the result is disposed (or a million swaps, whichever comes first): OPENs of "/race-dir/…" race
    /// the swap, and the outside hash and the open-handle check must still hold.
    /// </summary>
    public IDisposable Swap() => new Swapper(Path.Combine(SandboxPath, "race-dir"), Path.Combine(SandboxPath, "race-link"));

    /// <summary>Removes the run's folder.</summary>
    public void Dispose()
    {
        try
        {
            Directory.Delete(_top, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a leftover temp folder is not worth failing the run for.
        }
        catch (UnauthorizedAccessException)
        {
            // Likewise.
        }
    }

    /// <summary>The entries of <paramref name="folder"/>, sorted, each with its kind as the listing gives it.</summary>
    private static List<(string Path, EntryKind Kind)> Entries(string folder, bool recurse)
    {
        var options = new EnumerationOptions { RecurseSubdirectories = recurse, AttributesToSkip = 0, IgnoreInaccessible = false };
        var entries = new FileSystemEnumerable<(string, EntryKind)>(
            folder,
            (ref FileSystemEntry entry) => (entry.ToFullPath(),
                (entry.Attributes & FileAttributes.ReparsePoint) != 0 ? EntryKind.Link : entry.IsDirectory ? EntryKind.Folder : EntryKind.File),
            options)
        {
            // Never descend through a link (one planted in the decoy could lead anywhere).
            ShouldRecursePredicate = (ref FileSystemEntry entry) => (entry.Attributes & FileAttributes.ReparsePoint) == 0,
        };
        var list = entries.ToList();
        list.Sort((a, b) => string.CompareOrdinal(a.Item1, b.Item1));
        return list;
    }

    private void AppendContents(IncrementalHash hash, string path)
    {
        using var handle = File.OpenHandle(path);
        long offset = 0;
        int read;
        while ((read = RandomAccess.Read(handle, _buffer, offset)) > 0)
        {
            hash.AppendData(_buffer, 0, read);
            offset += read;
        }
    }

    private static void DeleteEntry(string path)
    {
        var info = new FileInfo(path);
        if (info.LinkTarget is null && Directory.Exists(path))
        {
            Directory.Delete(path, recursive: true);
        }
        else
        {
            info.Delete();
        }
    }

    private enum EntryKind
    {
        File,
        Folder,
        Link,
    }

    private void Link(string name, string target) => File.CreateSymbolicLink(Path.Combine(SandboxPath, name), target);

    [System.Runtime.InteropServices.LibraryImport("libc", EntryPoint = "renameat2", SetLastError = true, StringMarshalling = System.Runtime.InteropServices.StringMarshalling.Utf8)]
    private static partial int RenameAt2(int oldDirectory, string oldPath, int newDirectory, string newPath, uint flags);

    /// <summary>The swapping thread: RENAME_EXCHANGE of two names, as fast as it can, until disposed.</summary>
    private sealed class Swapper : IDisposable
    {
        private const int AtCurrentDirectory = -100, Exchange = 2; // AT_FDCWD, RENAME_EXCHANGE
        private readonly Thread _thread;
        private volatile bool _stop;

        public Swapper(string first, string second)
        {
            _thread = new Thread(() =>
            {
                for (var i = 0; i < 1_000_000 && !_stop; i++)
                {
                    if (RenameAt2(AtCurrentDirectory, first, AtCurrentDirectory, second, Exchange) != 0)
                    {
                        return; // the host refused (no renameat2, or the round removed the names): nothing to race
                    }
                }
            }) { IsBackground = true, Name = "fuzz swapper" };
            _thread.Start();
        }

        public void Dispose()
        {
            _stop = true;
            _thread.Join();
        }
    }
}
