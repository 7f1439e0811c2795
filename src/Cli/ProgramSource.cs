using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace VerbRing.Cli;

/// <summary>
/// Reads a program's text without trusting the path: a regular file, or standard input when the path is
/// <c>-</c>, and never more than a cap of bytes. The file is opened with O_NONBLOCK, so a FIFO cannot block the
/// open, and its type is checked on the opened descriptor (statx), so a device, FIFO, socket or directory is refused
/// before a byte is read; at most cap + 1 bytes are ever read, so <c>/dev/zero</c> or a growing file cannot exhaust
/// memory. Linux only, as the rest of the host side.
/// </summary>
internal static partial class ProgramSource
{
    /// <summary>The default cap, 16 MiB (<c>--max-program-bytes</c>).</summary>
    public const long DefaultMaxBytes = 16L << 20;

    /// <summary>The largest cap one may ask for: the text must still fit one .NET string (about 2³⁰ characters).</summary>
    public const long LargestMaxBytes = 512L << 20;

    /// <summary>The path that means standard input.</summary>
    public const string StandardInput = "-";

    private const int ReadOnly = 0, NonBlock = 0x800, CloseOnExec = 0x80000;
    private const int EmptyPath = 0x1000; // AT_EMPTY_PATH: statx of the descriptor itself
    private const uint StatxTypeAndSize = 0x1 | 0x200; // STATX_TYPE | STATX_SIZE
    private const int ModeOffset = 28; // struct statx: stx_mode (u16) after mask, blksize, attributes, nlink, uid, gid
    private const int SizeOffset = 40; // struct statx: stx_size (u64) after mode, spare, ino
    private const int StatxSize = 256;
    private const int TypeMask = 0xF000, RegularFile = 0x8000;

    /// <summary>
    /// The bytes of <paramref name="path"/> (decoded, strictly, by the assembler), or null with
    /// <paramref name="error"/> saying in one line why not.
    /// </summary>
    public static ReadOnlyMemory<byte>? Read(string path, long maxBytes, out string error)
    {
        if (path == StandardInput)
        {
            using var input = Console.OpenStandardInput();
            return Bounded(ReadAtMost((buffer, _) => input.Read(buffer), maxBytes, 64 * 1024), maxBytes, out error);
        }

        if (path.Length == 0 || path.Contains('\0', StringComparison.Ordinal))
        {
            error = "cannot read the program: the path is empty or holds a NUL character";
            return null;
        }

        var fd = OpenFile(path, ReadOnly | NonBlock | CloseOnExec, 0);
        if (fd < 0)
        {
            error = $"cannot read the program: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}";
            return null;
        }

        using var handle = new SafeFileHandle(fd, ownsHandle: true);
        if (!TryStat(handle, out var type, out var size))
        {
            error = $"cannot read the program: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}";
            return null;
        }

        if (type != RegularFile)
        {
            error = $"the program is {TypeName(type)}, not a regular file (give a .vr file, or '-' for standard input)";
            return null;
        }

        if (size > (ulong)maxBytes)
        {
            error = TooLarge(maxBytes);
            return null;
        }

        return Bounded(ReadAtMost((buffer, offset) => RandomAccess.Read(handle, buffer, offset), maxBytes, (long)size + 1), maxBytes, out error);
    }

    /// <summary>
    /// Reads (into a span, from an offset) until the end or until one byte more than <paramref name="maxBytes"/>,
    /// starting with room for <paramref name="expected"/> bytes (a file's size and one: its end is seen at once).
    /// </summary>
    private static ArraySegment<byte> ReadAtMost(Func<Span<byte>, long, int> read, long maxBytes, long expected)
    {
        var limit = (int)(Math.Min(maxBytes, LargestMaxBytes) + 1);
        var buffer = new byte[Math.Clamp(expected, 1, limit)];
        var filled = 0;
        while (filled < limit)
        {
            if (filled == buffer.Length)
            {
                Array.Resize(ref buffer, (int)Math.Min((long)buffer.Length * 2, limit));
            }

            var n = read(buffer.AsSpan(filled), filled);
            if (n <= 0)
            {
                break;
            }

            filled += n;
        }

        return new ArraySegment<byte>(buffer, 0, filled);
    }

    private static ReadOnlyMemory<byte>? Bounded(ArraySegment<byte> bytes, long maxBytes, out string error)
    {
        if (bytes.Count > maxBytes)
        {
            error = TooLarge(maxBytes);
            return null;
        }

        error = "";
        return bytes;
    }

    private static string TooLarge(long maxBytes) =>
        $"the program is larger than {maxBytes} bytes (raise --max-program-bytes to read it)";

    private static string TypeName(int type) => type switch
    {
        0x1000 => "a FIFO",
        0x2000 => "a character device",
        0x4000 => "a directory",
        0x6000 => "a block device",
        0xC000 => "a socket",
        _ => $"a file of type 0{type >> 12:o}",
    };

    private static bool TryStat(SafeFileHandle handle, out int type, out ulong size)
    {
        Span<byte> buffer = stackalloc byte[StatxSize]; // statx writes at most sizeof(struct statx) = 256 bytes
        var failed = Statx((int)handle.DangerousGetHandle(), "", EmptyPath, StatxTypeAndSize, buffer) != 0;
        type = failed ? 0 : BinaryPrimitives.ReadUInt16LittleEndian(buffer[ModeOffset..]) & TypeMask;
        size = failed ? 0 : BinaryPrimitives.ReadUInt64LittleEndian(buffer[SizeOffset..]);
        return !failed;
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int OpenFile(string path, int flags, int mode);

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Statx(int directory, string path, int flags, uint mask, Span<byte> buffer);
}
