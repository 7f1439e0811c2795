using System.IO.MemoryMappedFiles;

namespace VerbRing.Registers;

/// <summary>
/// A ring region in mapped memory, so that two processes — or two languages — share the very same bytes: sealed
/// anonymous memory a server creates, or an existing file mapped as it is, the region starting <c>offset</c> bytes
/// in. A trailer — bytes mapped right after the region, such as the server's doorbell page — may come with it. One
/// owner: Dispose unmaps and closes, and never deletes a file.
/// </summary>
public sealed unsafe class MappedRingRegion : RingRegion
{
    private readonly MemoryMappedFile _file;
    private readonly MemoryMappedViewAccessor _view;

    private MappedRingRegion(RingLayout layout, MemoryMappedFile file, MemoryMappedViewAccessor view, byte* pointer, long trailerSize)
        : base(layout, pointer)
    {
        _file = file;
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
    /// Creates the region in sealed anonymous memory (Linux): nobody can resize it, nothing is on disk. Another
    /// process of the same user maps it through <paramref name="path"/>, <c>/proc/PID/fd/N</c>, while this region lives.
    /// <paramref name="trailerSize"/> zeroed bytes follow the region in the same memory (see <see cref="Trailer"/>).
    /// </summary>
    public static MappedRingRegion CreateSealed(string name, RingLayout layout, long trailerSize, out string path)
    {
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentOutOfRangeException.ThrowIfNegative(trailerSize);
        var size = layout.TotalSize + trailerSize;
        var handle = SealedMemory.Create(name, size);
        path = $"/proc/{Environment.ProcessId}/fd/{handle.DangerousGetHandle()}";
        FileStream? stream = null;
        MemoryMappedFile? file = null;
        MemoryMappedViewAccessor? view = null;
        var acquired = false;
        try
        {
            stream = new FileStream(handle, FileAccess.ReadWrite);
            file = MemoryMappedFile.CreateFromFile(stream, null, size, MemoryMappedFileAccess.ReadWrite, HandleInheritability.None, leaveOpen: false);
            view = file.CreateViewAccessor(0, size, MemoryMappedFileAccess.ReadWrite);
            byte* pointer = null;

            // Unsafe: the pointer stays valid until ReleasePointer in Release(); the view is ours alone.
            view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
            acquired = true;
            return new MappedRingRegion(layout, file, view, pointer + view.PointerOffset, trailerSize);
        }
        catch
        {
            if (acquired)
            {
                view!.SafeMemoryMappedViewHandle.ReleasePointer();
            }

            view?.Dispose();
            if (file is not null)
            {
                file.Dispose();
            }
            else if (stream is not null)
            {
                stream.Dispose();
            }
            else
            {
                handle.Dispose();
            }

            throw;
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

        // The length of what is open (fstat), not of the path: /proc/PID/fd/N is a link whose own size means nothing.
        var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite);
        MemoryMappedFile? file = null;
        MemoryMappedViewAccessor? view = null;
        var acquired = false;
        try
        {
            if (stream.Length < size)
            {
                throw new InvalidDataException($"'{path}' holds {stream.Length} bytes; the ring needs {size}.");
            }

            file = MemoryMappedFile.CreateFromFile(stream, null, 0, MemoryMappedFileAccess.ReadWrite, HandleInheritability.None, leaveOpen: false);
            view = file.CreateViewAccessor(0, size, MemoryMappedFileAccess.ReadWrite);
            byte* pointer = null;

            // Unsafe: the pointer stays valid until ReleasePointer in Release(); the view is ours alone.
            view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
            acquired = true;
            return new MappedRingRegion(layout, file, view, pointer + view.PointerOffset + offset, trailerSize);
        }
        catch
        {
            // A partial construction frees what it took, in reverse order.
            if (acquired)
            {
                view!.SafeMemoryMappedViewHandle.ReleasePointer();
            }

            view?.Dispose();
            if (file is not null)
            {
                file.Dispose();
            }
            else
            {
                stream.Dispose();
            }

            throw;
        }
    }

    /// <inheritdoc />
    protected override void Release()
    {
        _view.SafeMemoryMappedViewHandle.ReleasePointer();
        _view.Dispose();
        _file.Dispose();
    }
}
