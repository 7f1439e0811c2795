using System.Runtime.InteropServices;

namespace VerbRing.Kernel.Namespaces;

/// <summary>
/// The Linux calls the host namespace is built on, raw: every one takes a descriptor, never a host path string,
/// returns −1 with the errno kept for <see cref="Marshal.GetLastPInvokeError"/>, and allocates nothing. Paths are
/// NUL-terminated UTF-8 in a caller's buffer. Flag values are the kernel's, with the two that differ between the
/// architectures .NET runs Linux on chosen at start-up.
/// </summary>
internal static unsafe partial class HostCalls
{
    public const int ReadOnly = 0, WriteOnly = 1, ReadWrite = 2;
    public const int Create = 0x40, Exclusive = 0x80, NoControllingTerminal = 0x100, Truncate = 0x200, NonBlock = 0x800;
    public const int CloseOnExec = 0x80000, PathOnly = 0x200000;
    public const int EmptyPath = 0x1000; // AT_EMPTY_PATH: statx of the descriptor itself

    /// <summary>RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS: nothing on the way may leave the starting directory.</summary>
    public const ulong Beneath = 0x08 | 0x02;

    // Errnos the resolver acts on (Linux numbers).
    public const int EINTR = 4, EAGAIN = 11, EXDEV = 18, EINVAL = 22, ENOSYS = 38, ELOOP = 40, EPERM = 1, E2BIG = 7;

    private const long SysOpenat2 = 437; // the same number on x86-64 and arm64 (new calls share one table)
    private const uint StatxTypeAndSize = 0x1 | 0x200; // STATX_TYPE | STATX_SIZE
    private const int ModeOffset = 28, SizeOffset = 40, StatxSize = 256; // struct statx: stx_mode (u16), stx_size (u64)
    private const int TypeMask = 0xF000;

    /// <summary>O_DIRECTORY, which differs between x86-64 and arm64.</summary>
    public static readonly int Directory = IsArm ? 0x4000 : 0x10000;

    /// <summary>O_NOFOLLOW, which differs between x86-64 and arm64.</summary>
    public static readonly int NoFollow = IsArm ? 0x8000 : 0x20000;

    private static bool IsArm => RuntimeInformation.ProcessArchitecture is Architecture.Arm64 or Architecture.Arm;

    /// <summary>What a descriptor or a name refers to.</summary>
    public enum FileType
    {
        Other = 0,
        Regular = 0x8000,
        Directory = 0x4000,
        Link = 0xA000,
    }

    /// <summary>openat2(2) through syscall(2): glibc 2.36 has no wrapper. −1 with ENOSYS where the kernel lacks it.</summary>
    public static int OpenBeneath(int directory, byte* path, int flags, ulong resolve)
    {
        // struct open_how { u64 flags; u64 mode; u64 resolve; }, 24 bytes, on the stack for the call's duration.
        var how = stackalloc ulong[3];
        how[0] = (ulong)(uint)flags;
        how[1] = (flags & Create) != 0 ? NewFileMode : 0UL; // the kernel refuses a mode without O_CREAT
        how[2] = resolve;
        return (int)Syscall(SysOpenat2, directory, path, how, 24);
    }

    /// <summary>openat(2) with the mode a new file gets (0666 less the umask, as .NET creates files).</summary>
    public static int OpenAt(int directory, byte* path, int flags) => OpenAtRaw(directory, path, flags, (int)NewFileMode);

    /// <summary>The type of <paramref name="fd"/>, and its size; false (errno kept) when statx fails.</summary>
    public static bool TryStat(int fd, out FileType type, out long size)
    {
        var buffer = stackalloc byte[StatxSize];
        var empty = stackalloc byte[1];
        empty[0] = 0;

        // SAFETY: statx writes at most sizeof(struct statx) = 256 bytes into the buffer it is given.
        if (Statx(fd, empty, EmptyPath, StatxTypeAndSize, buffer) != 0)
        {
            type = FileType.Other;
            size = 0;
            return false;
        }

        type = ToType(*(ushort*)(buffer + ModeOffset));
        size = *(long*)(buffer + SizeOffset);
        return true;
    }

    /// <summary>The type of <paramref name="name"/> in <paramref name="directory"/>, not following a link.</summary>
    public static bool TryStatAt(int directory, byte* name, out FileType type)
    {
        var buffer = stackalloc byte[StatxSize];

        // SAFETY: as above; AT_SYMLINK_NOFOLLOW (0x100) so a link reports itself.
        if (Statx(directory, name, 0x100, StatxTypeAndSize, buffer) != 0)
        {
            type = FileType.Other;
            return false;
        }

        type = ToType(*(ushort*)(buffer + ModeOffset));
        return true;
    }

    /// <summary>The errno of the last call on this thread.</summary>
    public static int LastError => Marshal.GetLastPInvokeError();

    private const ulong NewFileMode = 0x1B6; // 0666

    private static FileType ToType(ushort mode) => (mode & TypeMask) switch
    {
        (int)FileType.Regular => FileType.Regular,
        (int)FileType.Directory => FileType.Directory,
        (int)FileType.Link => FileType.Link,
        _ => FileType.Other,
    };

    [LibraryImport("libc", EntryPoint = "syscall", SetLastError = true)]
    private static partial long Syscall(long number, int directory, byte* path, ulong* how, nuint size);

    [LibraryImport("libc", EntryPoint = "openat", SetLastError = true)]
    private static partial int OpenAtRaw(int directory, byte* path, int flags, int mode);

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true)]
    private static partial int Statx(int directory, byte* path, int flags, uint mask, byte* buffer);

    /// <summary>readlinkat(2): the link's target bytes (not NUL-terminated), or −1.</summary>
    [LibraryImport("libc", EntryPoint = "readlinkat", SetLastError = true)]
    public static partial nint ReadLinkAt(int directory, byte* name, byte* buffer, nuint size);

    /// <summary>pread(2).</summary>
    [LibraryImport("libc", EntryPoint = "pread", SetLastError = true)]
    public static partial nint PRead(int fd, byte* buffer, nuint count, long offset);

    /// <summary>pwrite(2).</summary>
    [LibraryImport("libc", EntryPoint = "pwrite", SetLastError = true)]
    public static partial nint PWrite(int fd, byte* buffer, nuint count, long offset);

    /// <summary>fsync(2).</summary>
    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    public static partial int Fsync(int fd);

    /// <summary>close(2).</summary>
    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    /// <summary>open(2) of a host path, for the one place a path string is right: the mount's own folder, once.</summary>
    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int OpenPath(string path, int flags, int mode);
}
