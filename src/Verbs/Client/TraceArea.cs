using System.Runtime.InteropServices;

namespace VerbRing.Verbs.Client;

/// <summary>
/// The trace area a server keeps for a client that asked for tracing at setup (spec/transport.md, "The trace area"):
/// after the doorbell page in the same sealed memory, a header page and a ring of fixed-size <see cref="TraceRecord"/>s
/// the server's kernel observer writes — one per completion, one per enter — and the client reads after each enter.
/// Both processes map it; neither trusts what the other wrote.
/// </summary>
// Design: a single-producer ring with free-running u32 counters. The server keeps its own count of what it wrote
// (it never reads "written" back), writes a record into slot written % capacity, then publishes written + 1 with a
// release store. It reads the client's "read" once per record: when written − read is not below the capacity (a slow
// client, or one that wrote nonsense there) the record is dropped and "dropped" counts it — a client can only spoil
// its own trace. The client copies each record out before it looks at it and checks every field (TraceReader).
internal static class TraceArea
{
    /// <summary>"VRT1": the header's magic.</summary>
    public const uint Magic = 0x31545256;

    /// <summary>The header's size: one page; the records follow it.</summary>
    public const int HeaderSize = 4096;

    /// <summary>Header, server: the magic (u32).</summary>
    public const int MagicOffset = 0;

    /// <summary>Header, server: the record size, <see cref="TraceRecord.Size"/> (u32).</summary>
    public const int RecordSizeOffset = 4;

    /// <summary>Header, server: how many records the ring holds (u32, a power of two).</summary>
    public const int CapacityOffset = 8;

    /// <summary>Header, server: records written so far (u32, wraps; published with release after the record).</summary>
    public const int WrittenOffset = 64;

    /// <summary>Header, server: records dropped because the ring was full (u32).</summary>
    public const int DroppedOffset = 68;

    /// <summary>Header, client: records read so far (u32, wraps).</summary>
    public const int ReadOffset = 128;

    /// <summary>
    /// How many records the area of a ring with these queues holds: 2 × max(SQ, CQ) — what one enter can produce and
    /// then some — and at least 32 (a page of records).
    /// </summary>
    public static uint Capacity(uint sqEntries, uint cqEntries) => Math.Max(32, 2 * Math.Max(sqEntries, cqEntries));

    /// <summary>The area's size in bytes: the header page and the records (a multiple of 4096).</summary>
    public static long Size(uint sqEntries, uint cqEntries) => HeaderSize + ((long)Capacity(sqEntries, cqEntries) * TraceRecord.Size);
}

/// <summary>What a <see cref="TraceRecord"/> records.</summary>
internal enum TraceRecordKind : uint
{
    /// <summary>An operation completed (the kernel observer's record).</summary>
    Completion = 1,

    /// <summary>An enter ran.</summary>
    Enter = 2,
}

/// <summary>
/// One record of the trace area: 128 bytes, little-endian, the same layout for both kinds (spec/transport.md). Times
/// are nanoseconds on the server's clock since the ring was set up.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = Size)]
internal unsafe struct TraceRecord
{
    /// <summary>A record's size in bytes.</summary>
    public const int Size = 128;

    /// <summary>How many bytes of a READ or WRITE a record carries.</summary>
    public const int PreviewLength = 32;

    /// <summary>Completion or enter.</summary>
    [FieldOffset(0)]
    public TraceRecordKind Kind;

    /// <summary>Completion: the op code. Enter: the amount asked for.</summary>
    [FieldOffset(4)]
    public uint OpOrAmount;

    /// <summary>Completion: the SQE's data. Enter: wait (low 32 bits) and SQEs consumed (high 32 bits).</summary>
    [FieldOffset(8)]
    public ulong DataOrCounts;

    /// <summary>Completion: when it completed. Enter: when it began (ns).</summary>
    [FieldOffset(16)]
    public ulong Time;

    /// <summary>Completion: the CQE's result. Enter: when it returned (ns).</summary>
    [FieldOffset(24)]
    public ulong ResultOrEnd;

    /// <summary>Completion: 0 ran, 1 refused (EINVAL before loading), 2 not run (ECANCELED), 3 denied by policy (EPERM). Enter: 0.</summary>
    [FieldOffset(32)]
    public uint Outcome;

    /// <summary>The completion's errno, or the enter's (0 for OK).</summary>
    [FieldOffset(36)]
    public int Error;

    /// <summary>Completion: arg0–arg4 as the verb got them (after register loads when it ran, else as submitted).</summary>
    [FieldOffset(40)]
    public fixed ulong Args[5];

    /// <summary>Completion: how many of <see cref="Bytes"/> are valid (0–32).</summary>
    [FieldOffset(80)]
    public uint ByteCount;

    /// <summary>Completion of a successful READ or WRITE: the first bytes it moved, read at completion.</summary>
    [FieldOffset(88)]
    public fixed byte Bytes[PreviewLength];
}
