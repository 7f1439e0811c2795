namespace VerbRing.Verbs;

/// <summary>
/// The system-call boundary of one ring: how user space asks the kernel to consume SQEs and wait for CQEs.
/// In process it is a method call; across a thread or a process it is a doorbell. Disposing tears the ring down;
/// <see cref="Close"/> also says what to free once the teardown is done.
/// </summary>
internal interface IRingPort : IDisposable
{
    /// <summary>
    /// Consumes up to <paramref name="amount"/> queued SQEs and runs them; with <paramref name="wait"/> &gt; 0,
    /// returns once at least that many CQEs are unread, or with ETIMEDOUT when the ring's enter timeout passes.
    /// </summary>
    EnterResult Enter(uint amount, uint wait) => Enter(amount, wait, Timeout.InfiniteTimeSpan);

    /// <summary>
    /// As <see cref="Enter(uint, uint)"/>, but the wait also ends with ETIMEDOUT once <paramref name="timeout"/> has
    /// passed (on the kernel's clock; <see cref="Timeout.InfiniteTimeSpan"/>: no timeout of its own), whichever of
    /// the two comes first. The SQEs consumed are counted either way. A negative timeout is EINVAL.
    /// </summary>
    EnterResult Enter(uint amount, uint wait, TimeSpan timeout);

    /// <summary>
    /// Tears the ring down, then runs <paramref name="release"/> (what the caller frees after the teardown: the
    /// region). Called on a thread that is running this ring's kernel (a verb, an observer, a timer callback), the
    /// teardown and the release cannot happen under the running kernel: a kernel port then closes the ring at once
    /// and leaves both for the moment that thread lets go of the kernel (spec/semantics.md, "Teardown").
    /// </summary>
    void Close(Action release)
    {
        try
        {
            Dispose();
        }
        finally
        {
            release();
        }
    }
}

/// <summary>What an enter did: how many SQEs it consumed, and the call-level error (OK when none).</summary>
/// <param name="Consumed">SQEs consumed from the SQ (each gets exactly one CQE).</param>
/// <param name="Error">OK, or why the call stopped early (EBUSY, EINVAL, ETIMEDOUT, ECANCELED, EPIPE).</param>
public readonly record struct EnterResult(uint Consumed, Errno Error)
{
    /// <summary>Whether the call succeeded.</summary>
    public bool IsSuccess => Error == Errno.OK;
}
