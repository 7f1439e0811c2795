using System.IO.MemoryMappedFiles;
using Microsoft.Win32.SafeHandles;

namespace VerbRing.Registers;

/// <summary>
/// A ring region in mapped memory, so that two processes — or two languages — share the very same bytes: sealed
/// anonymous memory a server creates and hands over as a descriptor, or an existing file mapped as it is, the region
/// starting <c>offset</c> bytes in. A trailer — bytes mapped right after the region, such as the server's doorbell
/// page — may come with it. One owner: Dispose unmaps and closes, and never deletes a file.
/// </summary>
internal sealed unsafe class MappedRingRegion : RingRegion
{
    private readonly MemoryMappedViewAccessor _view;

    private MappedRingRegion(RingLayout layout, MemoryMappedViewAccessor view, byte* pointer, long trailerSize)
        : base(layout, pointer)
    {
        _view = view;
        TrailerSize = trailerSize;

        // Unsafe: the trailer lies inside the same view, right after the region's page-rounded end.
        Trailer = trailerSize > 0 ? pointer + layout.TotalSize : null;
    }

    /// <summary>The bytes mapped right after the region (at <c>Layout.TotalSize</c>), or null when none were asked for.</summary>
    public byte* Trailer { get; }

    /// <summary>How many bytes <see cref="Trailer"/> spans.</summary>
    public long TrailerSize { get; }

    /// <summary>
    /// Creates the region in sealed anonymous memory (Linux): nobody can resize it, nothing is on disk.
    /// <paramref name="memory"/> is its descriptor, the caller's to pass to another process (SCM_RIGHTS) and then
    /// close: the mapping does not need it, and a descriptor nobody holds cannot be reached through /proc.
    /// <paramref name="trailerSize"/> zeroed bytes follow the region in the same memory (see <see cref="Trailer"/>).
    /// </summary>
    public static MappedRingRegion CreateSealed(string name, RingLayout layout, long trailerSize, out SafeFileHandle memory)
    {
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentOutOfRangeException.ThrowIfNegative(trailerSize);
        var size = layout.TotalSize + trailerSize;
        memory = SealedMemory.Create(name, size);
        try
        {
            return Map(memory, layout, size, 0, trailerSize);
        }
        catch
        {
            memory.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Maps the region from a descriptor another process passed over (the server's sealed memory), with
    /// <paramref name="trailerSize"/> bytes after it, and closes the descriptor: once mapped, this process holds the
    /// memory only as a mapping. Throws when the memory is too small for both.
    /// </summary>
    public static MappedRingRegion FromDescriptor(SafeFileHandle memory, RingLayout layout, long trailerSize = 0)
    {
        ArgumentNullException.ThrowIfNull(memory);
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentOutOfRangeException.ThrowIfNegative(trailerSize);
        using (memory)
        {
            var size = layout.TotalSize + trailerSize;
            var length = RandomAccess.GetLength(memory); // fstat: what was passed, not what it claims to be
            if (length < size)
            {
                throw new InvalidDataException($"The ring's memory holds {length} bytes; the ring needs {size}.");
            }

            return Map(memory, layout, size, 0, trailerSize);
        }
    }

    /// <summary>
    /// Maps the region of an existing file, as it is, with <paramref name="trailerSize"/> bytes after it; throws when
    /// the file is too small for both.
    /// </summary>
    public static MappedRingRegion Open(string path, RingLayout layout, long offset = 0, long trailerSize = 0)
    {
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfNegative(trailerSize);
        var size = offset + layout.TotalSize + trailerSize;
        using var file = File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite);
        var length = RandomAccess.GetLength(file); // fstat: the length of what is open
        if (length < size)
        {
            throw new InvalidDataException($"'{path}' holds {length} bytes; the ring needs {size}.");
        }

        return Map(file, layout, size, offset, trailerSize);
    }

    /// <summary>
    /// Maps <paramref name="size"/> bytes of <paramref name="memory"/> (already checked to hold them) and lets go of
    /// the file object at once: the view stays mapped without it, and the descriptor stays the caller's.
    /// </summary>
    private static MappedRingRegion Map(SafeFileHandle memory, RingLayout layout, long size, long offset, long trailerSize)
    {
        using var file = MemoryMappedFile.CreateFromFile(memory, null, 0, MemoryMappedFileAccess.ReadWrite, HandleInheritability.None, leaveOpen: true);
        var view = file.CreateViewAccessor(0, size, MemoryMappedFileAccess.ReadWrite);
        var acquired = false;
        try
        {
            byte* pointer = null;

            // Unsafe: the pointer stays valid until ReleasePointer in Release(); the view is ours alone.
            view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
            acquired = true;
            return new MappedRingRegion(layout, view, pointer + view.PointerOffset + offset, trailerSize);
        }
        catch
        {
            if (acquired)
            {
                view.SafeMemoryMappedViewHandle.ReleasePointer();
            }

            view.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    protected override void Release()
    {
        _view.SafeMemoryMappedViewHandle.ReleasePointer();
        _view.Dispose();
    }
}
