using VerbRing.Verbs;

namespace VerbRing.Kernel;

/// <summary>
/// READ (op 1): fd, buffer, count, offset or OFF_CUR → bytes read, 0 at end of file. With OFF_CUR it reads at
/// the descriptor's position and advances it; with an offset it leaves the position alone (pread).
/// Checks in order: EBADF (not open for READ), EISDIR, EINVAL (count or offset), EFAULT (buffer).
/// </summary>
internal sealed class ReadVerb : IVerbHandler
{
    public uint Op => (uint)Verbs.Op.Read;

    public string Name => "READ";

    public VerbResult Execute(in VerbCall call)
    {
        var error = call.Ring.TryGetFile(call.Arg0, OpenFlags.Read, out var file);
        if (error != Errno.OK)
        {
            return VerbResult.Fail(error);
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
}
