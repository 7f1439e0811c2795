using VerbRing.Kernel.Namespaces;
using VerbRing.Verbs;

namespace VerbRing.Kernel.Handlers;

/// <summary>
/// SEEK (op 6): fd, –, –, offset (signed, arg3), whence (arg4: SET 1, END 2, CUR 3) → the new position.
/// Checks in order: EBADF, EISDIR (directories have no position), ESPIPE (a stream: a pipe end), EINVAL (whence, or a position that would be
/// negative or overflow). Seeking past the end is allowed; a later write there fills the gap with zeros.
/// </summary>
internal sealed class SeekVerb : IVerbHandler
{
    public uint Op => (uint)Verbs.Op.Seek;

    public string Name => "SEEK";

    public VerbResult Execute(in VerbCall call)
    {
        if (!call.Ring.Files.TryGet(call.Arg0, out var file))
        {
            return VerbResult.Fail(Errno.EBADF);
        }

        if (file!.Node.IsDirectory)
        {
            return VerbResult.Fail(Errno.EISDIR);
        }

        if (file.Node is IStreamNode)
        {
            return VerbResult.Fail(Errno.ESPIPE);
        }

        long origin;
        switch ((Whence)call.Arg4)
        {
            case Whence.Set:
                origin = 0;
                break;
            case Whence.End:
                origin = file.Node.Length;
                break;
            case Whence.Cur:
                origin = file.Position;
                break;
            default:
                return VerbResult.Fail(Errno.EINVAL);
        }

        var delta = (long)call.Arg3;
        var position = origin + delta;

        // Overflow check on the signed addition: the sum moved against the sign of the delta.
        if ((delta > 0 && position < origin) || (delta < 0 && position > origin) || position < 0)
        {
            return VerbResult.Fail(Errno.EINVAL);
        }

        file.Position = position;
        return VerbResult.Ok((ulong)position);
    }
}
