using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;

namespace VerbRing.Tests.Infrastructure;

/// <summary>
/// A host folder to serve and a decoy beside it that nothing may touch: <c>top/sandbox</c> and <c>top/decoy</c>
/// (a secret file, a nested folder, a deeper file). Links are laid by the tests; <see cref="Fingerprint"/> hashes
/// everything outside the sandbox (names, contents, link targets) without ever following a link.
/// </summary>
public sealed partial class HostBox : IDisposable
{
    public HostBox()
    {
        Top = Directory.CreateTempSubdirectory("verbring-box-").FullName;
        Sandbox = Directory.CreateDirectory(Path.Combine(Top, "sandbox")).FullName;
        Decoy = Directory.CreateDirectory(Path.Combine(Top, "decoy")).FullName;
        File.WriteAllText(Path.Combine(Decoy, "secret.txt"), "do not touch");
        Directory.CreateDirectory(Path.Combine(Decoy, "nested"));
        File.WriteAllText(Path.Combine(Decoy, "nested", "deep.txt"), "nor this");
    }

    public string Top { get; }

    public string Sandbox { get; }

    public string Decoy { get; }

    /// <summary>A folder inside the sandbox (parents made).</summary>
    public string Folder(string relative) => Directory.CreateDirectory(Path.Combine(Sandbox, relative)).FullName;

    /// <summary>A file inside the sandbox.</summary>
    public void WriteFile(string relative, string text) => File.WriteAllText(Path.Combine(Sandbox, relative), text);

    /// <summary>A symbolic link inside the sandbox; <paramref name="target"/> as given (relative or absolute).</summary>
    public void Link(string relative, string target) => File.CreateSymbolicLink(Path.Combine(Sandbox, relative), target);

    /// <summary>Swaps two names inside the sandbox atomically (renameat2 RENAME_EXCHANGE); false if the host refused.</summary>
    public bool Exchange(string first, string second) =>
        RenameAt2(-100, Path.Combine(Sandbox, first), -100, Path.Combine(Sandbox, second), 2) == 0; // AT_FDCWD, RENAME_EXCHANGE

    /// <summary>Every entry outside the sandbox — beside it and in the decoy's tree — with contents and link targets, hashed.</summary>
    public string Fingerprint()
    {
        var text = new StringBuilder();
        var outside = Directory.EnumerateFileSystemEntries(Decoy, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 })
            .Concat(Directory.EnumerateFileSystemEntries(Top));
        foreach (var entry in outside.Order(StringComparer.Ordinal))
        {
            var info = new FileInfo(entry);
            var what = info.LinkTarget is { } target ? "link " + target
                : File.Exists(entry) ? Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(entry)))
                : "dir";
            text.Append(entry).Append(':').Append(what).Append('\n');
        }

        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    /// <summary>
    /// The host handles this process holds on anything inside the sandbox (from /proc/self/fd) — not on the sandbox
    /// folder itself, which a namespace serving it keeps open.
    /// </summary>
    public List<string> OpenHandles() =>
        [.. Directory.GetFileSystemEntries("/proc/self/fd").Select(LinkTarget).Where(target => target.StartsWith(Sandbox + "/", StringComparison.Ordinal))];

    public void Dispose() => Directory.Delete(Top, recursive: true);

    private static string LinkTarget(string fd)
    {
        try
        {
            return new FileInfo(fd).LinkTarget ?? "";
        }
        catch (IOException)
        {
            return ""; // closed while we looked
        }
    }

    [LibraryImport("libc", EntryPoint = "renameat2", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int RenameAt2(int oldDirectory, string oldPath, int newDirectory, string newPath, uint flags);
}
