using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace VerbRing.Tests.Infrastructure;

/// <summary>
/// What happened to the names in one folder, as inotify(7) queued it: "create NAME", "attrib NAME", "moved_to NAME",
/// "moved_from NAME", "delete NAME", in order. The kernel queues an event within the call that causes it, so once an
/// action has returned, <see cref="Read"/> sees all it did without waiting.
/// </summary>
internal sealed partial class FolderEvents : IDisposable
{
    private const int NonBlock = 0x800, CloseOnExec = 0x80000; // IN_NONBLOCK, IN_CLOEXEC: O_NONBLOCK, O_CLOEXEC
    private const int EAGAIN = 11;

    private static readonly (uint Mask, string Name)[] Kinds =
        [(0x4, "attrib"), (0x40, "moved_from"), (0x80, "moved_to"), (0x100, "create"), (0x200, "delete")];

    private readonly int _fd;

    /// <summary>Starts watching <paramref name="folder"/>: what happens to its names from now on is queued.</summary>
    public FolderEvents(string folder)
    {
        _fd = InotifyInit1(NonBlock | CloseOnExec);
        _fd.ShouldBeGreaterThanOrEqualTo(0, $"inotify_init1: errno {Marshal.GetLastPInvokeError()}");
        InotifyAddWatch(_fd, folder, Kinds.Aggregate(0u, (all, k) => all | k.Mask))
            .ShouldBeGreaterThanOrEqualTo(0, $"inotify_add_watch: errno {Marshal.GetLastPInvokeError()}");
    }

    /// <summary>Every event queued since the last read, oldest first; an empty list when there is none.</summary>
    public List<string> Read()
    {
        var events = new List<string>();
        var buffer = new byte[64 * 1024];
        while (true)
        {
            var length = (int)ReadCall(_fd, buffer, (nuint)buffer.Length);
            if (length < 0)
            {
                Marshal.GetLastPInvokeError().ShouldBe(EAGAIN, "read(inotify) fails only because nothing more is queued");
                return events;
            }

            // struct inotify_event: int wd, u32 mask, u32 cookie, u32 len, then len bytes of NUL-padded name.
            for (var at = 0; at < length;)
            {
                var mask = BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(at + 4));
                var size = BinaryPrimitives.ReadInt32LittleEndian(buffer.AsSpan(at + 12));
                var name = Encoding.UTF8.GetString(buffer, at + 16, size).TrimEnd('\0');
                events.AddRange(Kinds.Where(k => (mask & k.Mask) != 0).Select(k => $"{k.Name} {name}"));
                at += 16 + size;
            }
        }
    }

    public void Dispose() => _ = Close(_fd);

    [LibraryImport("libc", EntryPoint = "inotify_init1", SetLastError = true)]
    private static partial int InotifyInit1(int flags);

    [LibraryImport("libc", EntryPoint = "inotify_add_watch", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int InotifyAddWatch(int fd, string path, uint mask);

    [LibraryImport("libc", EntryPoint = "read", SetLastError = true)]
    private static partial nint ReadCall(int fd, byte[] buffer, nuint count);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);
}
