using VerbRing.Verbs;

namespace VerbRing.Kernel;

/// <summary>NOP (op 0): does nothing and succeeds with 0.</summary>
internal sealed class NopVerb : IVerbHandler
{
    public uint Op => (uint)Verbs.Op.Nop;

    public string Name => "NOP";

    public VerbResult Execute(in VerbCall call) => VerbResult.Ok(0);
}
