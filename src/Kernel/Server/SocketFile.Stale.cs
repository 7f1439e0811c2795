using System.Net.Sockets;
using Microsoft.Win32.SafeHandles;

namespace VerbRing.Kernel.Server;

/// <summary>
/// What may stand at the socket's path before the server's socket moves there: nothing, or a socket nobody answers on
/// (a killed server left it), which is removed. Everything else is refused and left as it was.
/// </summary>
internal sealed partial class SocketFile
{
    /// <summary>
    /// Leaves <paramref name="name"/> in <paramref name="folder"/> free: nothing is there, or a socket nobody answers
    /// on, which it removes. Refuses everything else — a file, a folder, a link, a socket that answers or that this
    /// user cannot probe — naming <paramref name="path"/>.
    /// </summary>
    private static void ClearStale(SafeFileHandle folder, string name, string path)
    {
        var errno = Stat(folder, name, out var entry);
        if (errno == ENOENT)
        {
            return;
        }

        if (errno != 0)
        {
            throw new RefusalException(path, errno == EACCES ? "permission denied" : $"cannot look at it (errno {errno})");
        }

        if (entry.Type != TypeSocket)
        {
            var what = entry.Type switch
            {
                TypeRegular => "a file",
                TypeFolder => "a folder",
                TypeLink => "a symbolic link",
                _ => "something else",
            };
            throw new RefusalException(path, $"it is {what}, not a socket; the server leaves it as it is");
        }

        using var probe = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified) { Blocking = false };
        try
        {
            probe.Connect(new UnixDomainSocketEndPoint(ProbeAddress(folder, name, path)));
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionRefused)
        {
            // Nobody answers: a stale socket. Removed only if the name still holds the very file looked at.
            if (Stat(folder, name, out var now) == 0 && now.Type == TypeSocket && now.Identity == entry.Identity
                && UnlinkAt(folder, name, 0) != 0 && LastError is var failed and not ENOENT)
            {
                // Another user's stale socket in a sticky folder, or a read-only file system: it stays.
                throw new RefusalException(path, failed is EACCES or EPERM ? "permission denied" : $"cannot remove the stale socket there (errno {failed})");
            }

            return;
        }
        catch (SocketException e) when (e.SocketErrorCode is not (SocketError.WouldBlock or SocketError.InProgress))
        {
            throw new RefusalException(path, $"it is a socket this user cannot probe ({e.Message}); the server leaves it as it is");
        }

        throw new RefusalException(path, "it is in use: another server answers on it");
    }

    /// <summary>
    /// The address to probe <paramref name="name"/> at: through the folder's descriptor (/proc/self/fd/N/name), so it
    /// is the socket just looked at, or — when that is too long for a Unix socket — <paramref name="path"/> itself.
    /// </summary>
    private static string ProbeAddress(SafeFileHandle folder, string name, string path)
    {
        var throughProc = $"/proc/self/fd/{folder.DangerousGetHandle()}/{name}"; // the caller holds the handle open
        return System.Text.Encoding.UTF8.GetByteCount(throughProc) < MaxPath ? throughProc : path;
    }
}
