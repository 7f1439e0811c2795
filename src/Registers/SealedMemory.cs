using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace VerbRing.Registers;

/// <summary>
/// Anonymous shared memory that nobody can resize (Linux memfd with F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL):
/// a process given the memory — its descriptor, passed over a Unix socket — can map it, but cannot shrink it under
/// the owner's mapping (which would fault the owner), and nothing of it ever exists on disk.
/// </summary>
internal static partial class SealedMemory
{
    private const uint MfdCloexec = 1;
    private const uint MfdAllowSealing = 2;
    private const int FAddSeals = 1033;
    private const int FSealSeal = 1;
    private const int FSealShrink = 2;
    private const int FSealGrow = 4;

    /// <summary>Creates <paramref name="size"/> zeroed, sealed bytes; the handle owns the descriptor.</summary>
    public static SafeFileHandle Create(string name, long size)
    {
        var fd = MemfdCreate(name, MfdCloexec | MfdAllowSealing);
        if (fd < 0)
        {
            throw new IOException($"memfd_create failed: errno {Marshal.GetLastPInvokeError()}.");
        }

        var handle = new SafeFileHandle(fd, ownsHandle: true);
        if (Ftruncate(fd, size) != 0 || Fcntl(fd, FAddSeals, FSealShrink | FSealGrow | FSealSeal) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            handle.Dispose();
            throw new IOException($"sizing or sealing the ring memory failed: errno {errno}.");
        }

        return handle;
    }

    [LibraryImport("libc", EntryPoint = "memfd_create", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int MemfdCreate(string name, uint flags);

    [LibraryImport("libc", EntryPoint = "ftruncate", SetLastError = true)]
    private static partial int Ftruncate(nint fd, long length);

    [LibraryImport("libc", EntryPoint = "fcntl", SetLastError = true)]
    private static partial int Fcntl(nint fd, int command, int argument);
}
