using VerbRing.Verbs;

namespace VerbRing.Kernel;

/// <summary>
/// POLL (op 3): fd, events → the requested events that are ready. Files are always ready to read and write.
/// A descriptor that is not open answers NVAL at once (success, like Linux's POLLNVAL); unknown event bits, EINVAL.
/// </summary>
internal sealed class PollVerb : IVerbHandler
{
    private const PollEvents Known = PollEvents.Read | PollEvents.Write | PollEvents.Error | PollEvents.Hup | PollEvents.Nval;

    public uint Op => (uint)Verbs.Op.Poll;

    public string Name => "POLL";

    public VerbResult Execute(in VerbCall call)
    {
        var events = (PollEvents)call.Arg1;
        if ((events & ~Known) != 0)
        {
            return VerbResult.Fail(Errno.EINVAL);
        }

        if (!call.Ring.Files.TryGet(call.Arg0, out _))
        {
            return VerbResult.Ok((ulong)PollEvents.Nval);
        }

        return VerbResult.Ok((ulong)(events & (PollEvents.Read | PollEvents.Write)));
    }
}
