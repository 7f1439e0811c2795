using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace VerbRing.Kernel.Server;

/// <summary>
/// The Linux calls the socket file is made with, raw (.NET has no descriptor-relative file calls): each takes a
/// folder's descriptor and a name in it, never a path string to resolve again, and returns −1 with the errno kept.
/// </summary>
internal sealed unsafe partial class SocketFile
{
    private const int AtSymlinkNoFollow = 0x100, AtRemoveDir = 0x200, AtEmptyPath = 0x1000;
    private const uint RenameNoReplace = 0x1;
    private const uint StatxWanted = 0x1 | 0x2 | 0x8 | 0x100; // STATX_TYPE | STATX_MODE | STATX_UID | STATX_INO
    private const int FileTypeMask = 0xF000, TypeSocket = 0xC000, TypeLink = 0xA000, TypeRegular = 0x8000, TypeFolder = 0x4000;

    /// <summary>What statx says of one name: its type, permission bits, owner, and which file it is.</summary>
    private readonly record struct Entry(int Type, int Mode, uint Owner, (ulong Device, ulong Inode) Identity);

    /// <summary>
    /// statx of <paramref name="name"/> in <paramref name="folder"/> without following a link (a link reports itself),
    /// or of the descriptor itself when the name is empty; 0 or the errno.
    /// </summary>
    private static int Stat(SafeFileHandle folder, string name, out Entry entry)
    {
        var buffer = stackalloc byte[256]; // struct statx
        entry = default;

        // Unsafe: statx writes at most sizeof(struct statx) = 256 bytes into the buffer.
        if (Statx(folder, name, AtSymlinkNoFollow | (name.Length == 0 ? AtEmptyPath : 0), StatxWanted, buffer) != 0)
        {
            return LastError;
        }

        var mode = *(ushort*)(buffer + 28); // Unsafe: stx_mode, a u16 at offset 28
        var owner = *(uint*)(buffer + 20); // Unsafe: stx_uid, a u32 at offset 20
        var device = ((ulong)*(uint*)(buffer + 136) << 32) | *(uint*)(buffer + 140); // Unsafe: stx_dev_major, stx_dev_minor
        entry = new Entry(mode & FileTypeMask, mode & 0xFFF, owner, (device, *(ulong*)(buffer + 32))); // Unsafe: stx_ino, a u64 at offset 32
        return 0;
    }

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Statx(SafeFileHandle folder, string name, int flags, uint mask, byte* buffer);

    [LibraryImport("libc", EntryPoint = "openat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int OpenAt(SafeFileHandle folder, string name, int flags, int mode);

    [LibraryImport("libc", EntryPoint = "mkdirat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int MkdirAt(SafeFileHandle folder, string name, int mode);

    [LibraryImport("libc", EntryPoint = "fchmodat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int ChmodAt(SafeFileHandle folder, string name, int mode, int flags);

    [LibraryImport("libc", EntryPoint = "chmod", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Chmod(string path, int mode);

    [LibraryImport("libc", EntryPoint = "renameat2", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int RenameAt2(SafeFileHandle from, string fromName, SafeFileHandle to, string toName, uint flags);

    [LibraryImport("libc", EntryPoint = "linkat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int LinkAt(SafeFileHandle from, string fromName, SafeFileHandle to, string toName, int flags);

    [LibraryImport("libc", EntryPoint = "unlinkat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int UnlinkAt(SafeFileHandle folder, string name, int flags);

    [LibraryImport("libc", EntryPoint = "socket", SetLastError = true)]
    private static partial int SocketCall(int domain, int type, int protocol);

    [LibraryImport("libc", EntryPoint = "bind", SetLastError = true)]
    private static partial int BindCall(int socket, byte* address, uint length);
}
