using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using VerbRing.Verbs;

namespace VerbRing.Kernel;

/// <summary>
/// Opens a host file the way a sandbox needs and <c>File.OpenHandle</c> cannot: the last component is never
/// followed if it is a link (O_NOFOLLOW: one swapped in after the checks is refused, even with CREATE), the open
/// never blocks (O_NONBLOCK: a FIFO would otherwise hang the kernel until a writer came), and anything but a
/// regular file — FIFO, device, socket — is closed again and refused with EACCES. Linux only, as the rest of the
/// host namespace.
/// </summary>
internal static partial class HostOpen
{
    private const int ReadOnly = 0, WriteOnly = 1, ReadWrite = 2, Create = 0x40, Exclusive = 0x80, NonBlock = 0x800, CloseOnExec = 0x80000;
    private const int EmptyPath = 0x1000; // AT_EMPTY_PATH: statx of the descriptor itself
    private const uint StatxType = 1; // STATX_TYPE: only the file type is needed
    private const int ModeOffset = 28; // struct statx: stx_mode (u16) after mask, blksize, attributes, nlink, uid, gid
    private const int StatxSize = 256;
    private const int TypeMask = 0xF000, Regular = 0x8000;
    private const int NewFileMode = 0x1B6; // 0666, less the umask, as File.OpenHandle creates files

    // O_NOFOLLOW differs between the two architectures .NET runs Linux on.
    private static readonly int NoFollow = RuntimeInformation.ProcessArchitecture is Architecture.Arm64 or Architecture.Arm ? 0x8000 : 0x20000;

    /// <summary>Opens <paramref name="path"/> as <paramref name="flags"/> ask (READ/WRITE, CREATE, EXCLUSIVE; never TRUNCATE).</summary>
    public static Errno Open(string path, OpenFlags flags, out SafeFileHandle handle)
    {
        handle = null!;
        var access = (flags & (OpenFlags.Read | OpenFlags.Write)) switch
        {
            OpenFlags.Read => ReadOnly,
            OpenFlags.Write => WriteOnly,
            _ => ReadWrite,
        };
        var mode = access | NonBlock | NoFollow | CloseOnExec
            | ((flags & OpenFlags.Create) != 0 ? Create : 0) | ((flags & OpenFlags.Exclusive) != 0 ? Exclusive : 0);
        var fd = OpenFile(path, mode, NewFileMode);
        if (fd < 0)
        {
            return FromHost(Marshal.GetLastPInvokeError());
        }

        handle = new SafeFileHandle(fd, ownsHandle: true);
        if (!IsRegular(handle))
        {
            handle.Dispose();
            handle = null!;
            return Errno.EACCES; // a FIFO, device or socket: not something a ring may read or write
        }

        return Errno.OK;
    }

    private static unsafe bool IsRegular(SafeFileHandle handle)
    {
        var buffer = stackalloc byte[StatxSize];

        // SAFETY: statx writes at most sizeof(struct statx) = 256 bytes into the buffer it is given.
        if (Statx((int)handle.DangerousGetHandle(), "", EmptyPath, StatxType, buffer) != 0)
        {
            return false;
        }

        return (*(ushort*)(buffer + ModeOffset) & TypeMask) == Regular;
    }

    private static Errno FromHost(int errno) => errno switch
    {
        2 => Errno.ENOENT,
        17 => Errno.EEXIST,
        20 => Errno.ENOTDIR,
        21 => Errno.EISDIR,
        36 => Errno.ENAMETOOLONG,
        _ => Errno.EACCES, // ELOOP (a link as the last component), ENXIO (a FIFO without a reader), EPERM, EACCES…
    };

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int OpenFile(string path, int flags, int mode);

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial int Statx(int directory, string path, int flags, uint mask, byte* buffer);
}
