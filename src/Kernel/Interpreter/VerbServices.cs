namespace VerbRing.Kernel.Interpreter;

/// <summary>
/// What a verb may ask of the interpreter running it, handed to it in its <see cref="VerbCall"/> (never through a
/// property set after construction): park its operation, cancel others, and wake parked ones (the waker goes to the
/// <see cref="WaitQueue"/> of what it creates, a pipe). Each consumer sees only the narrow interface it needs.
/// </summary>
internal interface IVerbServices : IParking, ICancelling, IWaker;

/// <summary>Parks the calling verb's operation until an event, its timeout or a cancel (see <c>VerbCall.Park</c>).</summary>
internal interface IParking
{
    /// <summary>
    /// The operation of <paramref name="call"/> waits on <paramref name="queue"/> (null: only its timeout or a cancel
    /// can end it), remembering <paramref name="target"/> for its retry; false when the ring refuses a new waiter.
    /// <paramref name="need"/> says what would let it finish (a wake passes over it while that is not there).
    /// </summary>
    bool TryPark(in VerbCall call, WaitQueue? queue, object? target, WaitNeed need);
}

/// <summary>Cancels pending or queued operations by their data tag (CANCEL).</summary>
internal interface ICancelling
{
    /// <summary>Marks the operations tagged <paramref name="tag"/> (all, or the oldest) for ECANCELED; how many.</summary>
    int RequestCancel(ulong tag, bool all);
}

/// <summary>Makes parked operations ready to retry (what a <see cref="WaitQueue"/> calls when its source changes).</summary>
internal interface IWaker
{
    /// <summary>
    /// <paramref name="queue"/> was woken: queues one entry for it in the ready queue; when the runner reaches it,
    /// it retries the operations that wake covers (<see cref="WaitQueue.TryNext"/>), after the current step.
    /// </summary>
    void Woken(WaitQueue queue);
}
