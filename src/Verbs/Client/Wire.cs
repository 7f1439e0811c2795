using System.Buffers.Binary;
using System.Net.Sockets;

namespace VerbRing.Verbs.Client;

/// <summary>
/// The socket protocol between a client and <c>verbring serve</c> (spec/transport.md): fixed-size little-endian
/// requests of five u32 — magic, kind, a, b, c — and replies of four — magic, errno, a, b — the setup reply carrying
/// the ring's memory as a descriptor. Anything else is answered with EINVAL, never trusted.
/// </summary>
internal static class Wire
{
    public const uint RequestMagic = 0x31515256; // "VRQ1"
    public const uint ReplyMagic = 0x31525256;   // "VRR1"
    public const int RequestSize = 20;
    public const int ReplySize = 16;

    /// <summary>
    /// setup(a = SQ entries, b = CQ entries, c = user memory) → (errno, <see cref="SetupVersion"/>, the memory's size
    /// in bytes), the memory's descriptor attached (SCM_RIGHTS).
    /// </summary>
    public const uint Setup = 1;

    /// <summary>
    /// A flag in setup's a (above the SQ entries, which are at most 32 768): the client asks for the trace area after
    /// the doorbell page (<see cref="TraceArea"/>); the reply's b then counts it too. A server that does not trace
    /// refuses the count as it refuses any SQ size that is not a power of two (EINVAL).
    /// </summary>
    public const uint SetupTraced = 0x8000_0000;

    /// <summary>
    /// The setup reply's a: 2, the memory comes as a descriptor with the reply. (A server of version 1 answered a = 0
    /// and a path in /proc after the reply; clients refuse it.)
    /// </summary>
    public const uint SetupVersion = 2;

    /// <summary>
    /// ready(): the client mapped the memory it received with the setup reply (there is no file to remove since
    /// version 2); doorbell may follow. → (errno, 0, 0).
    /// </summary>
    public const uint Ready = 2;

    /// <summary>enter(a = amount, b = wait, c = 0 or 1 + its timeout in µs) → (errno, consumed, 0).</summary>
    public const uint Enter = 3;

    /// <summary>
    /// doorbell(): after ready, enter moves to the doorbell page → (errno, the page's offset, its size). From then
    /// on the socket carries nothing; anything on it ends the session.
    /// </summary>
    public const uint UseDoorbell = 4;

    /// <summary>
    /// How much longer than an enter's own timeout a client waits for the server's answer, in wall-clock time (the
    /// server's clock may be virtual): a server silent past it is treated as gone (EPIPE, then and from then on).
    /// </summary>
    public static readonly TimeSpan AnswerSlack = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The wall-clock instant (<see cref="Environment.TickCount64"/>) after which a client stops waiting for the
    /// answer to an enter with <paramref name="timeout"/>; <see cref="long.MaxValue"/> when it has none.
    /// </summary>
    public static long AnswerDeadline(TimeSpan timeout) =>
        timeout == Timeout.InfiniteTimeSpan ? long.MaxValue
        : Environment.TickCount64 + (long)Math.Min(timeout.TotalMilliseconds + AnswerSlack.TotalMilliseconds, int.MaxValue);

    /// <summary>
    /// An enter's timeout as the protocol carries it: 0 means none (<see cref="Timeout.InfiniteTimeSpan"/>), any
    /// other value is 1 + the timeout in whole microseconds, rounded up (1: zero, answer at once), at most
    /// u32::MAX (about 71 minutes).
    /// </summary>
    public static uint EncodeTimeout(TimeSpan timeout)
    {
        if (timeout == Timeout.InfiniteTimeSpan)
        {
            return 0;
        }

        var micros = Math.Ceiling(timeout.TotalMicroseconds);
        return micros >= uint.MaxValue - 1 ? uint.MaxValue : 1 + (uint)micros;
    }

    /// <summary>The timeout an enter request carries (see <see cref="EncodeTimeout"/>).</summary>
    public static TimeSpan DecodeTimeout(uint encoded) => encoded == 0 ? Timeout.InfiniteTimeSpan : TimeSpan.FromMicroseconds(encoded - 1);

    public static void WriteRequest(Span<byte> buffer, uint kind, uint a = 0, uint b = 0, uint c = 0)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(buffer, RequestMagic);
        BinaryPrimitives.WriteUInt32LittleEndian(buffer[4..], kind);
        BinaryPrimitives.WriteUInt32LittleEndian(buffer[8..], a);
        BinaryPrimitives.WriteUInt32LittleEndian(buffer[12..], b);
        BinaryPrimitives.WriteUInt32LittleEndian(buffer[16..], c);
    }

    public static void WriteReply(Span<byte> buffer, int errno, uint a = 0, uint b = 0)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(buffer, ReplyMagic);
        BinaryPrimitives.WriteInt32LittleEndian(buffer[4..], errno);
        BinaryPrimitives.WriteUInt32LittleEndian(buffer[8..], a);
        BinaryPrimitives.WriteUInt32LittleEndian(buffer[12..], b);
    }

    /// <summary>Reads exactly <c>buffer.Length</c> bytes; false when the peer closed the connection first.</summary>
    public static bool ReadExactly(Socket socket, Span<byte> buffer)
    {
        while (!buffer.IsEmpty)
        {
            var n = socket.Receive(buffer);
            if (n == 0)
            {
                return false;
            }

            buffer = buffer[n..];
        }

        return true;
    }
}
