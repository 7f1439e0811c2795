using VerbRing.Verbs;

namespace VerbRing.Kernel;

/// <summary>
/// One verb's implementation: the kernel calls it with the SQE's arguments after register loads and turns the
/// result into a CQE. A handler never throws because of what user space wrote: every bad argument is an errno.
/// Handlers are singletons shared by every ring; all per-ring state reaches them through the call.
/// </summary>
public interface IVerbHandler
{
    /// <summary>The op code this handler serves.</summary>
    uint Op { get; }

    /// <summary>The verb's name, upper case (as traces print it).</summary>
    string Name { get; }

    /// <summary>Runs the verb.</summary>
    VerbResult Execute(in VerbCall call);

    /// <summary>What a pending operation of this verb completes with when its SQE's timeout elapses.</summary>
    VerbResult OnTimeout() => VerbResult.Fail(Errno.ETIMEDOUT);
}
