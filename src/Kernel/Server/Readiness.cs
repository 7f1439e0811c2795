using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace VerbRing.Kernel.Server;

/// <summary>
/// Waiting on many descriptors at once, for the server's setup loop: <c>poll(2)</c> over a span of
/// <see cref="PollFd"/>, and a <see cref="WakeEvent"/> (an eventfd) another thread signals to end a wait early.
/// libc through P/Invoke; the sockets stay in blocking mode, so a session thread later reads its socket directly.
/// </summary>
internal static unsafe partial class Readiness
{
    /// <summary>POLLIN: data to read, or a connection to accept.</summary>
    public const short In = 0x1;

    /// <summary>
    /// Waits until a descriptor of <paramref name="fds"/> is ready or <paramref name="timeoutMs"/> passes (-1: no
    /// limit); each entry's <see cref="PollFd.Ready"/> then says what it is ready for. A signal ends the wait early.
    /// </summary>
    public static void Wait(Span<PollFd> fds, int timeoutMs)
    {
        // Unsafe: the span is pinned for the call; poll writes only the entries' Ready fields.
        fixed (PollFd* first = fds)
        {
            if (Poll(first, (nuint)fds.Length, timeoutMs) < 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                fds.Clear(); // nothing is ready: the caller looks again
                if (errno != 4) // EINTR: a signal, not a failure
                {
                    throw new IOException($"poll failed: errno {errno}.");
                }
            }
        }
    }

    /// <summary>struct pollfd: the descriptor, what to wait for, what it is ready for.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct PollFd
    {
        public int Fd;
        public short Events;
        public short Ready;

        public PollFd(nint fd)
        {
            Fd = (int)fd;
            Events = In;
        }
    }

    /// <summary>An eventfd: one thread waits for it among other descriptors, any thread signals it.</summary>
    public sealed class WakeEvent : IDisposable
    {
        private const int EfdNonBlock = 0x800;   // EFD_NONBLOCK = O_NONBLOCK
        private const int EfdCloexec = 0x80000;  // EFD_CLOEXEC = O_CLOEXEC
        private readonly SafeFileHandle _handle;

        public WakeEvent()
        {
            var fd = EventFd(0, EfdNonBlock | EfdCloexec);
            _handle = fd >= 0 ? new SafeFileHandle(fd, ownsHandle: true) : throw new IOException($"eventfd failed: errno {Marshal.GetLastPInvokeError()}.");
        }

        /// <summary>The descriptor, to wait on: readable once signalled, until drained.</summary>
        public nint Fd => _handle.DangerousGetHandle();

        /// <summary>Makes it readable; from any thread, harmless once disposed (a late timer may call it).</summary>
        public void Signal()
        {
            ulong one = 1;
            try
            {
                // Unsafe: eight bytes from our stack; the marshaller holds the handle open across the call.
                _ = Write(_handle, &one, sizeof(ulong));
            }
            catch (ObjectDisposedException)
            {
                // The server stopped: nobody waits any more.
            }
        }

        /// <summary>Makes it unreadable again (the loop calls it before looking at what woke it).</summary>
        public void Drain()
        {
            ulong count;

            // Unsafe: eight bytes into our stack; non-blocking, so an unsignalled event returns at once.
            _ = Read(_handle, &count, sizeof(ulong));
        }

        public void Dispose() => _handle.Dispose();
    }

    [LibraryImport("libc", EntryPoint = "poll", SetLastError = true)]
    private static partial int Poll(PollFd* fds, nuint count, int timeoutMs);

    [LibraryImport("libc", EntryPoint = "eventfd", SetLastError = true)]
    private static partial int EventFd(uint initial, int flags);

    [LibraryImport("libc", EntryPoint = "write", SetLastError = true)]
    private static partial nint Write(SafeFileHandle fd, ulong* buffer, nuint count);

    [LibraryImport("libc", EntryPoint = "read", SetLastError = true)]
    private static partial nint Read(SafeFileHandle fd, ulong* buffer, nuint count);
}
