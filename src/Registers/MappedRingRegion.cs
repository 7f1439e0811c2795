using System.IO.MemoryMappedFiles;

namespace VerbRing.Registers;

/// <summary>
/// A ring region in mapped memory, so that two processes — or two languages — share the very same bytes: sealed
/// anonymous memory a server creates, or an existing file mapped as it is, the region starting <c>offset</c> bytes
/// in. One owner: Dispose unmaps and closes, and never deletes a file.
/// </summary>
public sealed unsafe class MappedRingRegion : RingRegion
{
    private readonly MemoryMappedFile _file;
    private readonly MemoryMappedViewAccessor _view;

    private MappedRingRegion(RingLayout layout, MemoryMappedFile file, MemoryMappedViewAccessor view, byte* pointer)
        : base(layout, pointer)
    {
        _file = file;
        _view = view;
    }

    /// <summary>
    /// Creates the region in sealed anonymous memory (Linux): nobody can resize it, nothing is on disk. Another
    /// process of the same user maps it through <paramref name="path"/>, <c>/proc/PID/fd/N</c>, while this region lives.
    /// </summary>
    public static MappedRingRegion CreateSealed(string name, RingLayout layout, out string path)
    {
        ArgumentNullException.ThrowIfNull(layout);
        var handle = SealedMemory.Create(name, layout.TotalSize);
        path = $"/proc/{Environment.ProcessId}/fd/{handle.DangerousGetHandle()}";
        FileStream? stream = null;
        MemoryMappedFile? file = null;
        MemoryMappedViewAccessor? view = null;
        var acquired = false;
        try
        {
            stream = new FileStream(handle, FileAccess.ReadWrite);
            file = MemoryMappedFile.CreateFromFile(stream, null, layout.TotalSize, MemoryMappedFileAccess.ReadWrite, HandleInheritability.None, leaveOpen: false);
            view = file.CreateViewAccessor(0, layout.TotalSize, MemoryMappedFileAccess.ReadWrite);
            byte* pointer = null;

            // Unsafe: the pointer stays valid until ReleasePointer in Release(); the view is ours alone.
            view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
            acquired = true;
            return new MappedRingRegion(layout, file, view, pointer + view.PointerOffset);
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

    /// <summary>Maps the region of an existing file, as it is; throws when the file is too small for the layout.</summary>
    public static MappedRingRegion Open(string path, RingLayout layout, long offset = 0)
    {
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentOutOfRangeException.ThrowIfNegative(offset);

        // The length of what is open (fstat), not of the path: /proc/PID/fd/N is a link whose own size means nothing.
        var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite);
        MemoryMappedFile? file = null;
        MemoryMappedViewAccessor? view = null;
        var acquired = false;
        try
        {
            if (stream.Length < offset + layout.TotalSize)
            {
                throw new InvalidDataException($"'{path}' holds {stream.Length} bytes; the ring needs {offset + layout.TotalSize}.");
            }

            file = MemoryMappedFile.CreateFromFile(stream, null, 0, MemoryMappedFileAccess.ReadWrite, HandleInheritability.None, leaveOpen: false);
            view = file.CreateViewAccessor(0, offset + layout.TotalSize, MemoryMappedFileAccess.ReadWrite);
            byte* pointer = null;

            // Unsafe: the pointer stays valid until ReleasePointer in Release(); the view is ours alone.
            view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
            acquired = true;
            return new MappedRingRegion(layout, file, view, pointer + view.PointerOffset + offset);
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
