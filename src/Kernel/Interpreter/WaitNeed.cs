namespace VerbRing.Kernel.Interpreter;

/// <summary>
/// What a parked operation waits for (this file), so that a <see cref="WaitQueue"/> can pass over one whose retry
/// would only park it again: data to read, room to write, only an end closing, or anything (retry it at every wake).
/// </summary>
internal enum WaitKind : byte
{
    /// <summary>Any change may let it finish: it is retried at every wake.</summary>
    Any,

    /// <summary>At least <see cref="WaitNeed.Amount"/> bytes to read (or the source closing).</summary>
    Data,

    /// <summary>Room for at least <see cref="WaitNeed.Amount"/> bytes (or the source closing).</summary>
    Room,

    /// <summary>Only the source closing.</summary>
    Close,
}

/// <summary>What one parked operation waits for: a kind and, for data or room, how many bytes.</summary>
internal readonly record struct WaitNeed(WaitKind Kind, int Amount);

/// <summary>The event source behind a <see cref="WaitQueue"/> (a pipe): whether a waiter's need is met now.</summary>
internal interface IWaitSource
{
    /// <summary>
    /// Whether a retry of an operation that waits for <paramref name="need"/> may finish now; false only when it
    /// would certainly park again (a wrong "true" costs one retry, a wrong "false" would change what completes).
    /// </summary>
    bool Satisfies(WaitNeed need);
}
