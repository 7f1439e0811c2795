using System.Runtime.InteropServices;

namespace VerbRing.Registers;

/// <summary>A ring region in page-aligned, zeroed native memory, for a kernel in the same process.</summary>
internal sealed unsafe class NativeRingRegion : RingRegion
{
    private NativeRingRegion(RingLayout layout, byte* pointer)
        : base(layout, pointer)
    {
    }

    /// <summary>Frees the memory if Dispose was never called.</summary>
    ~NativeRingRegion() => Release();

    /// <summary>Allocates and zeroes a region for <paramref name="layout"/>.</summary>
    public static NativeRingRegion Allocate(RingLayout layout)
    {
        ArgumentNullException.ThrowIfNull(layout);
        var size = (nuint)layout.TotalSize;
        var pointer = (byte*)NativeMemory.AlignedAlloc(size, RingLayout.PageSize);
        NativeMemory.Clear(pointer, size);
        return new NativeRingRegion(layout, pointer);
    }

    /// <inheritdoc />
    protected override void Release() => NativeMemory.AlignedFree(Pointer);
}
