using VerbRing.Verbs;

namespace VerbRing.Kernel.Handlers;

/// <summary>
/// ADD (op 11, VerbRing's extension): a + b, the small register arithmetic a loop needs for its state (a running
/// total, the next offset). ERR in either operand — a failed step's saved value — is EINVAL, and a sum past 2⁶⁴ − 2
/// (one that would wrap, or read as ERR) is EOVERFLOW, so a failure never turns into a plausible number.
/// </summary>
internal sealed class AddVerb : IVerbHandler
{
    public uint Op => (uint)Verbs.Op.Add;

    public string Name => "ADD";

    public VerbResult Execute(in VerbCall call)
    {
        var (a, b) = (call.Arg0, call.Arg1);
        if (a == Abi.Err || b == Abi.Err)
        {
            return VerbResult.Fail(Errno.EINVAL);
        }

        return b >= Abi.Err - a ? VerbResult.Fail(Errno.EOVERFLOW) : VerbResult.Ok(a + b);
    }
}
