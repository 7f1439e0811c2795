using System.Net.Sockets;
using System.Security.Cryptography;
using Microsoft.Win32.SafeHandles;

namespace VerbRing.Kernel.Server;

/// <summary>
/// Where the socket file is made: a folder of the server's own, mode 0700, beside the socket's path (so the move onto
/// the path stays on one file system) under a name nobody can guess. The socket is bound, given its mode, checked and
/// listened on here, where no other user (root aside) can reach, connect to, swap or change it; then it moves onto the
/// path. Disposing removes exactly what this made and is still here: the socket file if it did not move, then the
/// folder, only if its name still names this very folder and it is empty.
/// </summary>
internal sealed partial class SocketFile
{
    private sealed unsafe class PrivateFolder : IDisposable
    {
        private const string SocketName = "s";
        private const int Private = 0x1C0; // 0700
        private const int AfUnix = 1, SockStream = 1, SockCloexec = 0x80000, EROFS = 30;
        private const string Letters = "abcdefghijklmnopqrstuvwxyz0123456789";

        private readonly SafeFileHandle _parent;
        private readonly string _name;
        private readonly SafeFileHandle _handle;
        private readonly (ulong Device, ulong Inode) _identity;
        private readonly string _path;
        private bool _socketHere;

        private PrivateFolder(SafeFileHandle parent, string name, SafeFileHandle handle, (ulong, ulong) identity, string path)
        {
            _parent = parent;
            _name = name;
            _handle = handle;
            _identity = identity;
            _path = path;
        }

        /// <summary>The socket file's device and inode, once it is bound and checked; a rename keeps them.</summary>
        public (ulong Device, ulong Inode) SocketIdentity { get; private set; }

        /// <summary>Makes a new private folder in <paramref name="parent"/>; refuses, naming <paramref name="path"/>.</summary>
        public static PrivateFolder Make(SafeFileHandle parent, string path)
        {
            for (var attempt = 0; attempt < 8; attempt++)
            {
                var name = ".verbring-" + RandomNumberGenerator.GetString(Letters, 12);

                // mkdirat(2) makes the folder new or fails — EEXIST on anything already there, a link included — so
                // this never takes over what someone else made. Its mode is 0700 less the umask until set below.
                if (MkdirAt(parent, name, Private) == 0)
                {
                    return Open(parent, name, path);
                }

                var errno = LastError;
                if (errno != EEXIST)
                {
                    throw new RefusalException(path, errno switch
                    {
                        EACCES or EPERM => "permission denied",
                        EROFS => "its folder is on a read-only file system",
                        _ => $"cannot make a folder beside it (errno {errno})",
                    });
                }
            }

            throw new RefusalException(path, "cannot make a folder beside it: every name tried was taken");
        }

        /// <summary>
        /// Binds a new socket here, gives its file exactly <paramref name="mode"/>, checks it (a socket, this user's,
        /// that mode) and listens. Nobody else can connect yet: the folder lets only its owner through.
        /// </summary>
        public System.Net.Sockets.Socket Listen(UnixFileMode mode)
        {
            // socket(2) with SOCK_CLOEXEC: a new, unbound stream socket that no child — nor serve's own re-exec — inherits.
            var fd = SocketCall(AfUnix, SockStream | SockCloexec, 0);
            if (fd < 0)
            {
                throw new RefusalException(_path, $"no socket could be made (errno {LastError})");
            }

            var handle = new SafeSocketHandle(fd, ownsHandle: true); // closes the socket on every way out below
            System.Net.Sockets.Socket listener;
            try
            {
                Bind(fd);

                // fchmodat(2) on the name in this folder: no other user can put a link here to be followed.
                if (ChmodAt(_handle, SocketName, (int)mode, 0) != 0)
                {
                    throw new RefusalException(_path, $"cannot set the socket's mode (errno {LastError})");
                }

                // statx(2) without following a link: what the name holds now is a socket of this user, of that mode.
                if (Stat(_handle, SocketName, out var entry) != 0 || entry.Type != TypeSocket || entry.Owner != Isolation.ServerUser || entry.Mode != (int)mode)
                {
                    throw new RefusalException(_path, "the socket the server made changed before it was in place; nothing is left there");
                }

                SocketIdentity = entry.Identity;

                // Wrapped only once bound, so .NET sees a bound socket; bound by hand, so disposing it deletes no path
                // (a socket .NET binds deletes its path when disposed, whatever is there by then).
                listener = new System.Net.Sockets.Socket(handle);
            }
            catch
            {
                handle.Dispose();
                throw;
            }

            try
            {
                listener.Listen(64);
                return listener;
            }
            catch (SocketException e)
            {
                listener.Dispose();
                throw new RefusalException(_path, $"cannot listen ({e.Message.TrimEnd('.')})");
            }
        }

        /// <summary>
        /// Moves the socket file onto <paramref name="name"/> in <paramref name="folder"/> in one step that never
        /// replaces anything: 0, or the errno (EEXIST when the name is taken; then nothing moved).
        /// </summary>
        public int MoveSocket(SafeFileHandle folder, string name)
        {
            int errno;
            try
            {
                // renameat2(2) with RENAME_NOREPLACE: the file gets the name atomically — it is never absent from both
                // places nor under both — or the call fails with EEXIST and changes nothing. Descriptors at both ends.
                if (RenameAt2(_handle, SocketName, folder, name, RenameNoReplace) == 0)
                {
                    _socketHere = false;
                    return 0;
                }

                errno = LastError;
            }
            catch (EntryPointNotFoundException)
            {
                errno = ENOSYS; // a C library without renameat2
            }

            if (errno is not (EINVAL or ENOSYS))
            {
                return errno;
            }

            // No RENAME_NOREPLACE here (an old kernel, or a file system without it): linkat(2) makes the second name
            // or fails with EEXIST, never replacing either; then the private name goes.
            if (LinkAt(_handle, SocketName, folder, name, 0) != 0)
            {
                return LastError;
            }

            _ = UnlinkAt(_handle, SocketName, 0);
            _socketHere = false;
            return 0;
        }

        /// <summary>Removes the socket file if it is still here, then the folder if its name still names it.</summary>
        public void Dispose()
        {
            if (_socketHere)
            {
                _ = UnlinkAt(_handle, SocketName, 0); // only this server's user can make a name in here: it is ours
            }

            // The folder's name is removed only while it names this folder (an unlink takes a name, not a descriptor),
            // and AT_REMOVEDIR removes only an empty folder: anything else found there stays.
            if (Stat(_parent, _name, out var entry) == 0 && entry.Type == TypeFolder && entry.Identity == _identity)
            {
                _ = UnlinkAt(_parent, _name, AtRemoveDir);
            }

            _handle.Dispose();
        }

        private const int EINVAL = 22, ENOSYS = 38, ELOOP = 40;

        /// <summary>
        /// Opens the folder just made (O_PATH | O_DIRECTORY | O_NOFOLLOW: that folder itself, never a link put in its
        /// place), checks it is a folder of this user, and sets its mode to exactly 0700, whatever the umask.
        /// </summary>
        private static PrivateFolder Open(SafeFileHandle parent, string name, string path)
        {
            var fd = OpenAt(parent, name, Namespaces.HostCalls.PathOnly | Namespaces.HostCalls.Directory | Namespaces.HostCalls.NoFollow | Namespaces.HostCalls.CloseOnExec, 0);
            if (fd < 0 && LastError is var errno and not (ENOENT or ENOTDIR or ELOOP))
            {
                // Out of descriptors or memory, not a name that changed: the folder just made is still there, empty
                // (AT_REMOVEDIR removes nothing else).
                _ = UnlinkAt(parent, name, AtRemoveDir);
                throw new RefusalException(path, $"cannot open the folder it made beside it (errno {errno})");
            }

            var handle = fd >= 0 ? new SafeFileHandle(fd, ownsHandle: true) : null;
            if (handle is null || Stat(handle, "", out var entry) != 0 || entry.Type != TypeFolder || entry.Owner != Isolation.ServerUser)
            {
                handle?.Dispose();
                throw new RefusalException(path, "the folder the server made beside it was replaced while it worked there; nothing there was removed");
            }

            // chmod(2) through /proc/self/fd: the mode of the folder the descriptor holds, not of whatever the name
            // holds by now (fchmod refuses an O_PATH descriptor).
            var room = new PrivateFolder(parent, name, handle, entry.Identity, path);
            if (Chmod(room.ThroughProc(""), Private) != 0)
            {
                var failed = LastError;
                room.Dispose();
                throw new RefusalException(path, $"cannot make the folder beside it private (errno {failed})");
            }

            return room;
        }

        /// <summary>
        /// bind(2) to the socket's name in this folder, reached through /proc/self/fd/N (there is no bindat): the
        /// kernel follows the descriptor to the very folder, so no rename of the folder or its parent can redirect it.
        /// </summary>
        private void Bind(int fd)
        {
            var name = System.Text.Encoding.UTF8.GetBytes(ThroughProc(SocketName));
            var address = stackalloc byte[2 + MaxPath]; // struct sockaddr_un: the family, then the path, NUL-terminated
            new Span<byte>(address, 2 + MaxPath).Clear();
            *(ushort*)address = AfUnix; // Unsafe: sun_family, the first two bytes
            name.CopyTo(new Span<byte>(address + 2, MaxPath)); // at most 30 bytes: /proc/self/fd/N/s
            if (BindCall(fd, address, (uint)(2 + name.Length + 1)) != 0)
            {
                var errno = LastError;
                throw new RefusalException(_path, errno switch
                {
                    EACCES or EPERM => "permission denied",
                    ENOENT => "cannot bind through /proc/self/fd (is /proc mounted?)",
                    _ => $"cannot bind there (errno {errno})",
                });
            }

            _socketHere = true;
        }

        /// <summary>/proc/self/fd/N/<paramref name="name"/>: <paramref name="name"/> in this folder, by its descriptor.</summary>
        private string ThroughProc(string name) =>
            $"/proc/self/fd/{_handle.DangerousGetHandle()}" + (name.Length == 0 ? "" : "/" + name); // the handle stays open while this object lives
    }
}
