using System.Runtime.InteropServices;

namespace VerbRing.Verbs.Client;

/// <summary>
/// The Linux futex, shared between processes (no FUTEX_PRIVATE_FLAG): a thread sleeps on a 32-bit word of memory
/// another process maps too, and that process wakes it. libc's <c>syscall(2)</c> through P/Invoke; the doorbell is
/// its only user.
/// </summary>
internal static unsafe partial class Futex
{
    private const long OpWait = 0; // FUTEX_WAIT
    private const long OpWake = 1; // FUTEX_WAKE
    private const int EAGAIN = 11;
    private const int EINTR = 4;
    private const int ETIMEDOUT = 110;

    // SYS_futex: the generic syscall table (arm64) numbers it 98, x86_64 its own table 202.
    private static readonly long SysFutex = !OperatingSystem.IsLinux() ? -1 : RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 => 202,
        Architecture.Arm64 => 98,
        _ => -1,
    };

    /// <summary>Whether this process can use the futex (Linux on x86_64 or arm64).</summary>
    public static bool IsSupported => SysFutex >= 0;

    /// <summary>
    /// Sleeps while <c>*word == expected</c>, at most <paramref name="timeoutMs"/>. The kernel compares the word and
    /// queues the sleeper atomically, so a wake that follows a change of the word is never lost. Returns whether
    /// the sleep was woken (true) or ended otherwise — the word differed, a signal, the timeout (false); the
    /// caller re-reads the word either way.
    /// </summary>
    public static bool Wait(int* word, int expected, int timeoutMs)
    {
        var timeout = new Timespec { Seconds = timeoutMs / 1000, Nanoseconds = timeoutMs % 1000 * 1_000_000L };

        // Unsafe: word points into a live shared mapping (the caller owns it for the call); timeout is on our stack.
        if (Syscall(SysFutex, (nint)word, OpWait, expected, (nint)(&timeout), 0, 0) == 0)
        {
            return true;
        }

        var errno = Marshal.GetLastPInvokeError();
        return errno is EAGAIN or EINTR or ETIMEDOUT ? false : throw new IOException($"futex wait failed: errno {errno}.");
    }

    /// <summary>Wakes one thread — of any process — sleeping on <paramref name="word"/>.</summary>
    public static void WakeOne(int* word)
    {
        // Unsafe: word points into a live shared mapping. A wake with nobody asleep is harmless and cannot fail.
        _ = Syscall(SysFutex, (nint)word, OpWake, 1, 0, 0, 0);
    }

    /// <summary>struct timespec on a 64-bit Linux.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    // long syscall(long number, ...): every argument passed as a full register, as the variadic call would.
    [LibraryImport("libc", EntryPoint = "syscall", SetLastError = true)]
    private static partial long Syscall(long number, nint address, long operation, long value, nint timeout, nint address2, long value3);
}
