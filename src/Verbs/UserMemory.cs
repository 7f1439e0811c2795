using System.Text;
using VerbRing.Registers;

namespace VerbRing.Verbs;

/// <summary>
/// Hands out a ring's user memory to user space: a bump allocator from <see cref="RingLayout.UserBase"/> up.
/// Reservation is user-side bookkeeping only; the kernel checks every address against the whole user memory.
/// Once the ring is disposed, <see cref="Reserve"/>, <see cref="Put(ReadOnlySpan{byte})"/>, <see cref="At"/> (and
/// <see cref="UserBuffer.Span"/> of any buffer handed out) throw <see cref="ObjectDisposedException"/>; a
/// <see cref="Span{T}"/> taken before the Dispose cannot be revoked and must not be used after it (it points into
/// freed memory).
/// </summary>
public sealed unsafe class UserMemory
{
    private readonly RingRegion _region;
    private readonly RegionGuard _guard;
    private uint _used;

    /// <summary>How a refusal names this view.</summary>
    internal const string What = "user memory";

    internal UserMemory(RingRegion region, RegionGuard guard)
    {
        _region = region;
        _guard = guard;
    }

    /// <summary>Bytes reserved so far.</summary>
    public uint Used => _used;

    /// <summary>Bytes still free.</summary>
    public uint Available => _region.Layout.UserMemorySize - _used;

    /// <summary>Reserves <paramref name="size"/> zeroed bytes aligned to <paramref name="alignment"/>.</summary>
    /// <exception cref="ObjectDisposedException">The ring was disposed.</exception>
    public UserBuffer Reserve(uint size, uint alignment = 8)
    {
        _guard.ThrowIfClosed(What);
        if (alignment == 0 || !uint.IsPow2(alignment))
        {
            throw new ArgumentOutOfRangeException(nameof(alignment), "Alignment is a power of two.");
        }

        var start = (ulong)(_used + alignment - 1) & ~(ulong)(alignment - 1);
        if (start + size > _region.Layout.UserMemorySize)
        {
            throw new InvalidOperationException(
                $"User memory is full: {size} bytes asked, {_region.Layout.UserMemorySize - Math.Min(start, _region.Layout.UserMemorySize)} free.");
        }

        _used = (uint)(start + size);
        var buffer = new UserBuffer(RingLayout.UserBase + start, size, _region.Pointer + _region.Layout.UserMemoryOffset + start, _guard);
        buffer.Span.Clear();
        return buffer;
    }

    /// <summary>Reserves a buffer holding <paramref name="bytes"/>.</summary>
    /// <exception cref="ObjectDisposedException">The ring was disposed.</exception>
    public UserBuffer Put(ReadOnlySpan<byte> bytes)
    {
        var buffer = Reserve((uint)bytes.Length, 1);
        bytes.CopyTo(buffer.Span);
        return buffer;
    }

    /// <summary>Reserves a buffer holding <paramref name="text"/> in UTF-8 (no terminator).</summary>
    /// <exception cref="ObjectDisposedException">The ring was disposed.</exception>
    public UserBuffer Put(string text) => Put(Encoding.UTF8.GetBytes(text));

    /// <summary>
    /// The bytes at user address <paramref name="address"/>; throws when outside user memory. The span is valid until
    /// the ring is disposed and must not be used after that.
    /// </summary>
    /// <exception cref="ObjectDisposedException">The ring was disposed.</exception>
    public Span<byte> At(ulong address, uint length)
    {
        _guard.ThrowIfClosed(What);
        var size = _region.Layout.UserMemorySize;
        if (address < RingLayout.UserBase || address - RingLayout.UserBase > size || length > size - (address - RingLayout.UserBase))
        {
            throw new ArgumentOutOfRangeException(nameof(address), $"0x{address:x} + {length} is outside user memory.");
        }

        return new Span<byte>(_region.Pointer + _region.Layout.UserMemoryOffset + (long)(address - RingLayout.UserBase), (int)length);
    }

    /// <summary>Forgets every reservation (the bytes stay as they are).</summary>
    public void Reset() => _used = 0;
}
