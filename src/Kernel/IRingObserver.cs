using VerbRing.Verbs;

namespace VerbRing.Kernel;

/// <summary>
/// Sees every operation of one ring as the kernel finishes it: the arguments after register loads and the
/// outcome, just before the CQE is published. Traces and debuggers use it; with none attached the kernel pays
/// one null check per SQE. It runs on the kernel's thread and must not enter the ring.
/// </summary>
public interface IRingObserver
{
    /// <summary>Called once per consumed SQE, in completion order.</summary>
    void OnCompleted(in TracedOperation operation);
}

/// <summary>One finished operation as an observer sees it.</summary>
public readonly record struct TracedOperation
{
    /// <summary>The SQE's cookie.</summary>
    public required ulong Data { get; init; }

    /// <summary>The op code.</summary>
    public required uint Op { get; init; }

    /// <summary>How it ended: run, refused before running (bad flags or op), or cancelled.</summary>
    public required TracedOutcome Outcome { get; init; }

    /// <summary>arg0–arg4: after register loads when <see cref="Outcome"/> is Ran, else as submitted.</summary>
    public required ulong Arg0 { get; init; }

    /// <inheritdoc cref="Arg0"/>
    public required ulong Arg1 { get; init; }

    /// <inheritdoc cref="Arg0"/>
    public required ulong Arg2 { get; init; }

    /// <inheritdoc cref="Arg0"/>
    public required ulong Arg3 { get; init; }

    /// <inheritdoc cref="Arg0"/>
    public required ulong Arg4 { get; init; }

    /// <summary>OK or the errno the CQE carries.</summary>
    public required Errno Error { get; init; }

    /// <summary>The CQE's result.</summary>
    public required ulong Result { get; init; }
}

/// <summary>Whether a traced operation's verb ran.</summary>
public enum TracedOutcome
{
    /// <summary>The verb ran (successfully or not) with loaded arguments.</summary>
    Ran,

    /// <summary>Refused before loading: reserved flag bits or an unknown op (EINVAL).</summary>
    Refused,

    /// <summary>Not run: a LINK predecessor failed (ECANCELED).</summary>
    Cancelled,

    /// <summary>Refused by the ring's policy before loading (EPERM): the arguments are as submitted.</summary>
    Denied,
}
