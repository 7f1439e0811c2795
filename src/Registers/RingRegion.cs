namespace VerbRing.Registers;

/// <summary>
/// The one owner of a ring's shared memory. Subclasses decide where the bytes live (<see cref="NativeRingRegion"/>:
/// native memory for an in-process or kernel-thread ring; <see cref="MappedRingRegion"/>: a mapping of the memory a
/// server shares with its client); everyone else borrows <see cref="Pointer"/> for no
/// longer than the region lives. Dispose releases the memory; touching it afterwards is a bug of the caller, and no
/// user-facing member can: <c>IoRing</c> and the views it hands out (<see cref="RegisterFile"/>, <c>UserMemory</c>,
/// <c>UserBuffer</c>) refuse with <see cref="ObjectDisposedException"/> from the ring's Dispose on, before this runs.
/// </summary>
internal abstract unsafe class RingRegion : IDisposable
{
    private int _disposed;

    /// <summary>Takes ownership of <paramref name="pointer"/>, which must span <c>layout.TotalSize</c> zeroed bytes.</summary>
    protected RingRegion(RingLayout layout, byte* pointer)
    {
        ArgumentNullException.ThrowIfNull(layout);
        Layout = layout;
        Pointer = pointer;
        Registers = new SharedRegisters(pointer + RingControl.RegsOffset);
    }

    /// <summary>Where everything lies.</summary>
    public RingLayout Layout { get; }

    /// <summary>The first byte of the region (the control area).</summary>
    public byte* Pointer { get; }

    /// <summary>Whether <see cref="Dispose()"/> ran.</summary>
    public bool IsDisposed => Volatile.Read(ref _disposed) != 0;

    /// <summary>The descriptor both sides use to address the queues.</summary>
    public RingDescriptor Descriptor => new(Pointer, Layout);

    /// <summary>The seven shared registers, unchecked: the kernel's view (user space gets a <see cref="RegisterFile"/>).</summary>
    public SharedRegisters Registers { get; }

    /// <summary>User memory as a span (the bytes behind <see cref="RingLayout.UserBase"/>).</summary>
    public Span<byte> UserMemory => new(Pointer + Layout.UserMemoryOffset, (int)Layout.UserMemorySize);

    /// <summary>Releases the memory once.</summary>
    public void Dispose()
    {
        // Interlocked: two racing Dispose calls must not free twice.
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            Release();
            GC.SuppressFinalize(this);
        }
    }

    /// <summary>Returns the memory to wherever it came from.</summary>
    protected abstract void Release();
}
