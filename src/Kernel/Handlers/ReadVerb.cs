using VerbRing.Kernel.Namespaces;
using VerbRing.Verbs;

namespace VerbRing.Kernel.Handlers;

/// <summary>
/// READ (op 1): fd, buffer, count, offset or OFF_CUR → bytes read, 0 at end of file. With OFF_CUR it reads at
/// the descriptor's position and advances it; with an offset it leaves the position alone (pread).
/// Checks in order: EBADF (not open for READ), EISDIR, EINVAL (count or offset), EFAULT (buffer).
/// On a stream, a pipe end (offset must be OFF_CUR, else ESPIPE), it returns what is buffered, up to count; when the pipe is
/// empty it pends until data arrives, or returns 0 once no write end is left.
/// </summary>
internal sealed class ReadVerb : IVerbHandler
{
    public uint Op => (uint)Verbs.Op.Read;

    public string Name => "READ";

    public VerbResult Execute(in VerbCall call)
    {
        if (call.Target is IStreamNode parked)
        {
            return ReadStream(in call, parked);
        }

        var error = call.Ring.TryGetFile(call.Arg0, OpenFlags.Read, out var file);
        if (error != Errno.OK)
        {
            return VerbResult.Fail(error);
        }

        if (file.Node is IStreamNode stream)
        {
            return call.Arg3 != Abi.OffCur ? VerbResult.Fail(Errno.ESPIPE) : ReadStream(in call, stream);
        }

        if (file.Node.IsDirectory)
        {
            return VerbResult.Fail(Errno.EISDIR);
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

        error = file.Node.Read(offset, buffer, out var read);
        if (error == Errno.OK && call.Arg3 == Abi.OffCur)
        {
            file.Position = offset + read;
        }

        return VerbResult.From(error, (ulong)read);
    }

    private static VerbResult ReadStream(in VerbCall call, IStreamNode stream)
    {
        if (stream.IsClosed)
        {
            return VerbResult.Fail(Errno.EBADF); // its descriptor was closed while the read waited
        }

        var error = call.TryGetUserMemory(call.Arg1, call.Arg2, out var buffer);
        if (error != Errno.OK)
        {
            return VerbResult.Fail(error);
        }

        return stream.TryRead(buffer, out var read) ? VerbResult.Ok((ulong)read) : call.Park(stream.Waiters, stream, stream.ReadNeed);
    }
}
