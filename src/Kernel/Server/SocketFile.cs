using System.Net.Sockets;
using Microsoft.Win32.SafeHandles;

namespace VerbRing.Kernel.Server;

/// <summary>
/// The server's socket file: made, bound, given its mode and listened on inside a private folder nobody else can
/// reach, then moved onto the path in one step that never replaces anything — a socket nobody answers on is removed
/// first — and at the end removed only if it is still the one this server made. Anything else at the path (a file of
/// any kind, a folder, a link, a socket a server answers on) is left exactly as it was, and the refusal is one
/// sentence naming the path. Every call after the first is made against a descriptor of the path's folder, never the
/// path string, so a folder renamed or swapped meanwhile cannot redirect it.
/// </summary>
internal sealed partial class SocketFile
{
    private const int MaxPath = 108; // sizeof(sun_path): a client connects by the path, so it must fit
    private const int ENOENT = 2, EPERM = 1, EACCES = 13, EEXIST = 17, ENOTDIR = 20;

    private readonly string _path;
    private readonly SafeFileHandle _folder;
    private readonly string _name;
    private readonly (ulong Device, ulong Inode) _identity;

    private SocketFile(string path, SafeFileHandle folder, string name, (ulong, ulong) identity)
    {
        _path = path;
        _folder = folder;
        _name = name;
        _identity = identity;
    }

    /// <summary>
    /// Listens on <paramref name="path"/> (a full path) with the socket file's mode <paramref name="mode"/> (at most
    /// 0777). Throws <see cref="IOException"/> with one sentence when the path is taken or cannot be made; then
    /// nothing changed: what this call made is gone, and what was there is as it was.
    /// </summary>
    public static Socket Listen(string path, UnixFileMode mode, out SocketFile file)
    {
        if (System.Text.Encoding.UTF8.GetByteCount(path) >= MaxPath)
        {
            throw new RefusalException(path, $"the path is too long for a Unix socket (at most {MaxPath - 1} bytes)");
        }

        var name = Path.GetFileName(path);
        if (name.Length == 0)
        {
            throw new RefusalException(path, "it names a folder, not a socket file; the server leaves it as it is");
        }

        var folder = OpenFolder(path, Path.GetDirectoryName(path) ?? "/");
        Socket? listener = null;
        try
        {
            (ulong, ulong) identity;
            using (var room = PrivateFolder.Make(folder, path))
            {
                listener = room.Listen(mode);
                identity = room.SocketIdentity;
                Place(folder, room, name, path);
            }

            // The move kept the inode, so the file at the path now is the one checked in the private folder — unless
            // someone who may write to the folder replaced it in this instant; then the replacement stays.
            if (Stat(folder, name, out var now) != 0 || now.Identity != identity)
            {
                listener.Dispose();
                listener = null;
                throw new RefusalException(path, "it changed while the server made it; it is left as it is");
            }

            file = new SocketFile(path, folder, name, now.Identity);
            return listener;
        }
        catch
        {
            listener?.Dispose();
            folder.Dispose();
            throw;
        }
    }

    /// <summary>Removes the socket file if it is still the one this server made; anything else there stays.</summary>
    public void Remove()
    {
        if (_folder.IsClosed)
        {
            return; // removed once already
        }

        // Looked at and removed through the folder's descriptor: the file this server put there, wherever the folder
        // is now. Another user can replace it between the look and the unlink only in a folder they may write to
        // that is not sticky — where they could replace it at any time anyway.
        if (Stat(_folder, _name, out var entry) == 0 && entry.Type == TypeSocket && entry.Identity == _identity)
        {
            _ = UnlinkAt(_folder, _name, 0);
        }

        _folder.Dispose();
    }

    /// <summary>
    /// The path's folder as a descriptor: O_PATH (no read or write needed, only search), O_DIRECTORY (nothing else is
    /// accepted), O_CLOEXEC (no child inherits it). The path string is resolved this once; a link on the way to the
    /// folder is followed here, as any user of the path would follow it.
    /// </summary>
    private static SafeFileHandle OpenFolder(string path, string folder)
    {
        var fd = Namespaces.HostCalls.OpenPath(folder, Namespaces.HostCalls.PathOnly | Namespaces.HostCalls.Directory | Namespaces.HostCalls.CloseOnExec, 0);
        if (fd >= 0)
        {
            return new SafeFileHandle(fd, ownsHandle: true);
        }

        throw new RefusalException(path, LastError switch
        {
            ENOENT => $"the folder '{folder}' does not exist",
            ENOTDIR => $"'{folder}' is not a folder",
            EACCES or EPERM => "permission denied",
            var errno => $"cannot open the folder '{folder}' (errno {errno})",
        });
    }

    /// <summary>
    /// Moves the listening socket from the private folder onto the path without ever replacing what is there: when
    /// something is, it removes it only if it is a socket nobody answers on (<see cref="ClearStale"/>, which refuses
    /// everything else) and tries once more; if the path is taken again, whatever took it stays.
    /// </summary>
    private static void Place(SafeFileHandle folder, PrivateFolder room, string name, string path)
    {
        for (var attempt = 0; ; attempt++)
        {
            var errno = room.MoveSocket(folder, name);
            if (errno == 0)
            {
                return;
            }

            if (errno != EEXIST)
            {
                throw new RefusalException(path, errno is EACCES or EPERM ? "permission denied" : $"cannot put the socket there (errno {errno})");
            }

            if (attempt == 1)
            {
                throw new RefusalException(path, "something appeared there while the server started; it is left as it is");
            }

            ClearStale(folder, name, path);
        }
    }

    /// <summary>The errno of the last P/Invoke on this thread.</summary>
    private static int LastError => System.Runtime.InteropServices.Marshal.GetLastPInvokeError();

    /// <summary>The server will not listen on a path: one sentence, naming it.</summary>
    private sealed class RefusalException(string path, string reason) : IOException($"Cannot listen on '{path}': {reason}.");
}
