using VerbRing.Verbs;

namespace VerbRing.Kernel.Handlers;

/// <summary>
/// NOP (op 0): succeeds with 0. With a timeout it is a sleep: it pends and completes successfully, with 0, when the
/// timeout elapses — so <c>nop timeout 10ms link</c> delays the rest of a chain without breaking it.
/// </summary>
internal sealed class NopVerb : IVerbHandler
{
    public uint Op => (uint)Verbs.Op.Nop;

    public string Name => "NOP";

    public VerbResult Execute(in VerbCall call) =>
        Abi.IsNoTimeout(call.Timeout) ? VerbResult.Ok(0) : call.Park(queue: null, target: null);

    public VerbResult OnTimeout() => VerbResult.Ok(0);
}
