namespace VerbRing.Registers;

/// <summary>
/// Where everything lies in a ring's region: <c>[control][SQ: sentries × 64][CQ: centries × 32][user memory]</c>.
/// Entry counts are powers of two; user memory starts on a page boundary so that both sides can map it, and user
/// space addresses it from <see cref="UserBase"/>, a fixed non-zero base, so that address 0 is never valid. (The byte
/// layout only; the kernel's <c>RingOptions</c> choose the sizes.)
/// </summary>
public sealed record RingLayout
{
    /// <summary>The user-space address of the first byte of user memory.</summary>
    public const ulong UserBase = 0x1000_0000;

    /// <summary>The page size the region is rounded to.</summary>
    public const int PageSize = 4096;

    /// <summary>The largest SQ or CQ entry count.</summary>
    public const uint MaxEntries = 32768;

    /// <summary>The largest user memory, in bytes (256 MiB).</summary>
    public const uint MaxUserMemory = 256u << 20;

    /// <summary>Lays out a ring; throws when a count is not a power of two in range.</summary>
    public RingLayout(uint sqEntries, uint cqEntries, uint userMemorySize)
    {
        SqEntries = CheckEntries(sqEntries, nameof(sqEntries));
        CqEntries = CheckEntries(cqEntries, nameof(cqEntries));
        if (userMemorySize > MaxUserMemory)
        {
            throw new ArgumentOutOfRangeException(nameof(userMemorySize), userMemorySize, $"User memory is at most {MaxUserMemory} bytes.");
        }

        UserMemorySize = userMemorySize;
        CqOffset = SqOffset + ((long)sqEntries * Sqe.Size);
        UserMemoryOffset = RoundToPage(CqOffset + ((long)cqEntries * Cqe.Size));
        TotalSize = RoundToPage(UserMemoryOffset + userMemorySize);
    }

    /// <summary>Offset of the SQ: right after the control area.</summary>
    public static long SqOffset => RingControl.Size;

    /// <summary>SQ entries (a power of two).</summary>
    public uint SqEntries { get; }

    /// <summary>CQ entries (a power of two).</summary>
    public uint CqEntries { get; }

    /// <summary>User memory in bytes.</summary>
    public uint UserMemorySize { get; }

    /// <summary>Offset of the CQ.</summary>
    public long CqOffset { get; }

    /// <summary>Offset of user memory (page aligned).</summary>
    public long UserMemoryOffset { get; }

    /// <summary>The whole region, page rounded.</summary>
    public long TotalSize { get; }

    /// <summary>The user-space address one past the last byte of user memory.</summary>
    public ulong UserEnd => UserBase + UserMemorySize;

    private static uint CheckEntries(uint entries, string name) =>
        entries != 0 && entries <= MaxEntries && uint.IsPow2(entries)
            ? entries
            : throw new ArgumentOutOfRangeException(name, entries, $"Entry counts are powers of two from 1 to {MaxEntries}.");

    private static long RoundToPage(long size) => (size + PageSize - 1) & ~(long)(PageSize - 1);
}
