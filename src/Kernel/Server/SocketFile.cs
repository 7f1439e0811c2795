using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace VerbRing.Kernel.Server;

/// <summary>
/// The server's socket file: claims the path — binding there only if nothing is there, or after removing a socket
/// nobody answers on — gives the socket its mode before anyone can connect, and at the end removes the file only if
/// it is still the one this server made. Anything else at the path (a file of any kind, a folder, a link, a socket a
/// server answers on) is left exactly as it was, and the refusal is one sentence naming the path.
/// </summary>
internal sealed unsafe partial class SocketFile
{
    private const int AtFdCwd = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const uint StatxTypeAndInode = 0x1 | 0x100; // STATX_TYPE | STATX_INO
    private const int ENOENT = 2, EACCES = 13, EADDRINUSE = 98;
    private const int AfUnix = 1, SockStream = 1, SockCloexec = 0x80000, MaxPath = 108; // sizeof(sun_path)
    private const int FileTypeMask = 0xF000, Socket = 0xC000, Link = 0xA000, Regular = 0x8000, Folder = 0x4000;

    private readonly string _path;
    private readonly (ulong Device, ulong Inode) _identity;

    private SocketFile(string path, (ulong, ulong) identity)
    {
        _path = path;
        _identity = identity;
    }

    /// <summary>
    /// Listens on <paramref name="path"/> (a full path) with the socket file's mode <paramref name="mode"/>. Throws
    /// <see cref="IOException"/> with one sentence when the path is taken or cannot be made; then nothing changed.
    /// </summary>
    public static System.Net.Sockets.Socket Listen(string path, UnixFileMode mode, out SocketFile file)
    {
        var folder = Path.GetDirectoryName(path);
        if (folder is not null && !Directory.Exists(folder))
        {
            throw new RefusalException(path, File.Exists(folder) ? $"'{folder}' is not a folder" : $"the folder '{folder}' does not exist");
        }

        ClearStale(path);
        var listener = Bind(path); // the file is new: bind makes it, or fails on whatever appeared there meanwhile
        var ours = true;
        try
        {
            // The mode is set before listen: until then a connect is refused, so nobody connects under a wider one.
            if (!OperatingSystem.IsWindows()) // the server is Linux-only (memfd, SCM_RIGHTS); this says so to the analyzer
            {
                File.SetUnixFileMode(path, mode);
            }

            if (Stat(path, out var type, out var identity) != 0 || type != Socket)
            {
                ours = false; // not ours any more: left alone
                throw new RefusalException(path, "it changed while the server made it; it is left as it is");
            }

            listener.Listen(64);
            file = new SocketFile(path, identity);
            return listener;
        }
        catch (Exception e) when (e is SocketException or IOException or UnauthorizedAccessException)
        {
            listener.Dispose();
            if (ours)
            {
                File.Delete(path); // the socket this call made: bind makes a new file or fails
            }

            throw e as RefusalException ?? new RefusalException(path, Reason(e));
        }
    }

    /// <summary>Removes the socket file if it is still the one this server made; anything else there stays.</summary>
    public void Remove()
    {
        if (Stat(_path, out var type, out var identity) == 0 && type == Socket && identity == _identity)
        {
            File.Delete(_path);
        }
    }

    /// <summary>
    /// A socket bound to <paramref name="path"/> by hand: a socket .NET binds deletes its path when disposed, whatever
    /// is there by then, and this server deletes only what it made (<see cref="Remove"/>).
    /// </summary>
    private static System.Net.Sockets.Socket Bind(string path)
    {
        var name = System.Text.Encoding.UTF8.GetBytes(path);
        if (name.Length >= MaxPath)
        {
            throw new RefusalException(path, $"the path is too long for a Unix socket (at most {MaxPath - 1} bytes)");
        }

        var fd = SocketCall(AfUnix, SockStream | SockCloexec, 0);
        if (fd < 0)
        {
            throw new RefusalException(path, $"no socket could be made (errno {Marshal.GetLastPInvokeError()})");
        }

        var address = stackalloc byte[2 + MaxPath]; // struct sockaddr_un: the family, then the path, NUL-terminated
        new Span<byte>(address, 2 + MaxPath).Clear();
        *(ushort*)address = AfUnix; // Unsafe: sun_family, the first two bytes
        name.CopyTo(new Span<byte>(address + 2, MaxPath));
        if (BindCall(fd, address, (uint)(2 + name.Length + 1)) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            _ = Close(fd);
            throw new RefusalException(path, errno switch
            {
                EADDRINUSE => "something appeared there while the server started; it is left as it is",
                EACCES => "permission denied",
                _ => $"cannot bind there (errno {errno})",
            });
        }

        return new System.Net.Sockets.Socket(new SafeSocketHandle(fd, ownsHandle: true));
    }

    /// <summary>The endpoint of <paramref name="path"/>, or a refusal when it is too long for a Unix socket.</summary>
    private static UnixDomainSocketEndPoint EndPoint(string path)
    {
        try
        {
            return new UnixDomainSocketEndPoint(path);
        }
        catch (ArgumentOutOfRangeException)
        {
            throw new RefusalException(path, "the path is too long for a Unix socket (at most 107 bytes)");
        }
    }

    /// <summary>
    /// Leaves the path free: nothing is there, or a socket nobody answers on, which it removes. Refuses everything
    /// else — a file, a folder, a link, a socket that answers or that this user cannot probe.
    /// </summary>
    private static void ClearStale(string path)
    {
        var errno = Stat(path, out var type, out var identity);
        if (errno == ENOENT)
        {
            return;
        }

        if (errno != 0)
        {
            throw new RefusalException(path, errno == EACCES ? "permission denied" : $"cannot look at it (errno {errno})");
        }

        if (type != Socket)
        {
            var what = type switch
            {
                Regular => "a file",
                Folder => "a folder",
                Link => "a symbolic link",
                _ => "something else",
            };
            throw new RefusalException(path, $"it is {what}, not a socket; the server leaves it as it is");
        }

        using var probe = new System.Net.Sockets.Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified) { Blocking = false };
        try
        {
            probe.Connect(EndPoint(path));
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionRefused)
        {
            // Nobody answers: a stale socket. Removed only if it is still the very file looked at.
            if (Stat(path, out type, out var now) == 0 && type == Socket && now == identity)
            {
                File.Delete(path);
            }

            return;
        }
        catch (SocketException e) when (e.SocketErrorCode is not (SocketError.WouldBlock or SocketError.InProgress))
        {
            throw new RefusalException(path, $"it is a socket this user cannot probe ({e.Message}); the server leaves it as it is");
        }

        throw new RefusalException(path, "it is in use: another server answers on it");
    }

    /// <summary>Why binding or setting the mode failed, in a few words.</summary>
    private static string Reason(Exception e) => e switch
    {
        RefusalException => e.Message,
        SocketException { SocketErrorCode: SocketError.AccessDenied } or UnauthorizedAccessException => "permission denied",
        _ => e.Message.TrimEnd('.'),
    };

    /// <summary>lstat: the type of what is at <paramref name="path"/> and which file it is; 0 or the errno.</summary>
    private static int Stat(string path, out int type, out (ulong Device, ulong Inode) identity)
    {
        var buffer = stackalloc byte[256]; // struct statx
        var name = System.Text.Encoding.UTF8.GetBytes(path + "\0");
        type = 0;
        identity = default;
        fixed (byte* p = name)
        {
            // Unsafe: statx writes at most sizeof(struct statx) = 256 bytes into the buffer.
            if (Statx(AtFdCwd, p, AtSymlinkNoFollow, StatxTypeAndInode, buffer) != 0)
            {
                return Marshal.GetLastPInvokeError();
            }
        }

        type = *(ushort*)(buffer + 28) & FileTypeMask; // Unsafe: stx_mode, a u16 at offset 28
        identity = (((ulong)*(uint*)(buffer + 136) << 32) | *(uint*)(buffer + 140), *(ulong*)(buffer + 32)); // Unsafe: stx_dev_major/minor, stx_ino
        return 0;
    }

    [LibraryImport("libc", EntryPoint = "socket", SetLastError = true)]
    private static partial int SocketCall(int domain, int type, int protocol);

    [LibraryImport("libc", EntryPoint = "bind", SetLastError = true)]
    private static partial int BindCall(int socket, byte* address, uint length);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true)]
    private static partial int Statx(int directory, byte* path, int flags, uint mask, byte* buffer);

    /// <summary>The server will not listen on a path: one sentence, naming it.</summary>
    private sealed class RefusalException(string path, string reason) : IOException($"Cannot listen on '{path}': {reason}.");
}
