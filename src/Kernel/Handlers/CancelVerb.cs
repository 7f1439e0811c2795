using VerbRing.Verbs;

namespace VerbRing.Kernel.Handlers;

/// <summary>
/// CANCEL (op 7): tag, ALL (1) or ANY (2) → how many pending SQEs with that data tag it cancelled: every one, or
/// the oldest. A pending operation, or a chain member still waiting for its predecessor, completes with ECANCELED
/// right after the CANCEL; its chain follows the usual link rules. ENOENT when none matched; EINVAL for another mode.
/// </summary>
internal sealed class CancelVerb : IVerbHandler
{
    public uint Op => (uint)Verbs.Op.Cancel;

    public string Name => "CANCEL";

    public VerbResult Execute(in VerbCall call)
    {
        if ((CancelMode)call.Arg1 is not (CancelMode.All or CancelMode.Any))
        {
            return VerbResult.Fail(Errno.EINVAL);
        }

        var cancelled = call.Cancelling.RequestCancel(call.Arg0, all: (CancelMode)call.Arg1 == CancelMode.All);
        return cancelled == 0 ? VerbResult.Fail(Errno.ENOENT) : VerbResult.Ok((ulong)cancelled);
    }
}
