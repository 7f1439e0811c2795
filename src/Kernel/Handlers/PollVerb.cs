using VerbRing.Kernel.Namespaces;
using VerbRing.Verbs;

namespace VerbRing.Kernel.Handlers;

/// <summary>
/// POLL (op 3): fd, events → the ready events: those requested, plus ERROR and HUP, which are always reported (as
/// Linux does). Files are always ready to read and write. On a pipe it pends until something is ready: READ when
/// data is buffered, HUP once no write end is left; WRITE when there is room, ERROR once no read end is left.
/// A descriptor that is not open answers NVAL at once (success, like Linux's POLLNVAL); a waiting POLL whose
/// descriptor is closed completes with EBADF, as every waiting verb does; unknown event bits, EINVAL.
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

        if (call.Target is IStreamNode { IsClosed: true })
        {
            return VerbResult.Fail(Errno.EBADF); // its descriptor was closed while the poll waited, as for READ and WRITE
        }

        var node = (call.Target as INode) ?? (call.Ring.Files.TryGet(call.Arg0, out var file) ? file!.Node : null);
        if (node is null)
        {
            return VerbResult.Ok((ulong)PollEvents.Nval);
        }

        var stream = node as IStreamNode;
        var ready = stream is not null ? stream.Ready : PollEvents.Read | PollEvents.Write;
        var reported = ready & (events | PollEvents.Error | PollEvents.Hup);
        if (reported != 0)
        {
            return VerbResult.Ok((ulong)reported);
        }

        return stream is null ? call.Park(null, node) : call.Park(stream.Waiters, node, stream.PollNeed(events));
    }
}
