using VerbRing.Kernel.Namespaces;
using VerbRing.Verbs;

namespace VerbRing.Kernel.Handlers;

/// <summary>
/// WRITE (op 2): fd, buffer, count, offset or OFF_CUR → bytes written. A write past the end extends the file with
/// zeros; APPEND sends every write to the end. With OFF_CUR (or APPEND) the position moves past the written bytes.
/// Checks in order: EBADF (not open for WRITE), EINVAL (count or offset), EFAULT (buffer), EFBIG (size limit).
/// A write that fails after writing part (a full disk, the ring's host-bytes budget) completes with the error and
/// the count written as its result, which the save register gets too.
/// On a stream, a pipe end (offset must be OFF_CUR, else ESPIPE): EPIPE when no read end is left; a count that fits the pipe is
/// written whole, pending until there is room for all of it; a larger one writes what fits (at least one byte).
/// </summary>
internal sealed class WriteVerb : IVerbHandler
{
    public uint Op => (uint)Verbs.Op.Write;

    public string Name => "WRITE";

    public VerbResult Execute(in VerbCall call)
    {
        if (call.Target is IStreamNode parked)
        {
            return WriteStream(in call, parked);
        }

        var error = call.Ring.TryGetFile(call.Arg0, OpenFlags.Write, out var file);
        if (error != Errno.OK)
        {
            return VerbResult.Fail(error);
        }

        if (file.Node is IStreamNode stream)
        {
            return call.Arg3 != Abi.OffCur ? VerbResult.Fail(Errno.ESPIPE) : WriteStream(in call, stream);
        }

        if (!FileOffsets.TryResolve(call.Arg3, file, out var offset))
        {
            return VerbResult.Fail(Errno.EINVAL);
        }

        error = call.TryGetUserMemory(call.Arg1, call.Arg2, out var buffer);
        if (error != Errno.OK)
        {
            return VerbResult.Fail(error);
        }

        var append = (file.Flags & OpenFlags.Append) != 0;
        error = file.Node.Write(offset, buffer, append, out var written, out var end);
        if ((error == Errno.OK || written > 0) && (append || call.Arg3 == Abi.OffCur))
        {
            file.Position = end; // past what was written, also when a failure cut the write short
        }

        return error != Errno.OK && written > 0 ? VerbResult.Partial(error, (ulong)written) : VerbResult.From(error, (ulong)written);
    }

    private static VerbResult WriteStream(in VerbCall call, IStreamNode stream)
    {
        if (stream.IsClosed)
        {
            return VerbResult.Fail(Errno.EBADF); // its descriptor was closed while the write waited
        }

        var error = call.TryGetUserMemory(call.Arg1, call.Arg2, out var buffer);
        if (error != Errno.OK)
        {
            return VerbResult.Fail(error);
        }

        if (!stream.TryWrite(buffer, out error, out var written))
        {
            return call.Park(stream.Waiters, stream, stream.WriteNeed(buffer.Length));
        }

        return VerbResult.From(error, (ulong)written);
    }
}
