using VerbRing.Verbs;

namespace VerbRing.Kernel.Handlers;

/// <summary>CLOSE (op 5): fd → 0; EBADF when it is not open. The descriptor becomes the lowest free one again.</summary>
internal sealed class CloseVerb : IVerbHandler
{
    public uint Op => (uint)Verbs.Op.Close;

    public string Name => "CLOSE";

    public VerbResult Execute(in VerbCall call) => VerbResult.From(call.Ring.Files.Close(call.Arg0), 0);
}
