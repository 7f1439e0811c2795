using VerbRing.Verbs;

namespace VerbRing.Kernel;

/// <summary>
/// Dispose and the teardown of a ring: what is pending completes with ECANCELED, every descriptor closes, and what
/// the caller frees after it (the region) is freed only once nothing of the kernel runs any more.
/// </summary>
// Teardown: a Dispose on another thread waits for the running enter (busy flag), then tears down under the lock. A
// Dispose on the kernel's own thread — it holds the lock (a verb, an observer, a timer's chain) or is an enter
// blocked in its wait — cannot wait for itself: it marks the ring closing and defers the teardown, and what its
// caller frees after it (the region), to the moment that thread lets go: the end of the enter (which then returns
// ECANCELED) or of the timer callback. Whoever lets go first with the busy flag does it; a thread that still holds
// the lock never does.
internal sealed partial class RingKernel
{
    /// <summary>
    /// Tears the ring down: stops a waiting enter, cancels what is pending, closes every descriptor. Idempotent. On
    /// another thread it waits for a running enter to finish; on the kernel's own thread (a verb, an observer, a timer
    /// callback) it closes the ring and returns at once, and the teardown follows as that thread lets go.
    /// </summary>
    public void Dispose() => Close(release: null);

    /// <inheritdoc />
    void IRingPort.Close(Action release) => Close(release);

    /// <summary>
    /// <see cref="Dispose"/>, then <paramref name="release"/> once the teardown is done — at once, or, on the kernel's
    /// own thread, as it lets go (before the enter it interrupted returns, or as the timer callback ends).
    /// </summary>
    internal void Close(Action? release)
    {
        _closing = true;
        _progress.Set(); // a waiting enter sees _closing and returns

        if (_sync.IsHeldByCurrentThread || _enterThread == Environment.CurrentManagedThreadId)
        {
            lock (_sync) // held already, or taken by the enter's own thread from inside its wait
            {
                _afterTeardown += release;

                // Volatile.Write: the thread that lets go (this one, or an enter's elsewhere) finds the teardown to do.
                Volatile.Write(ref _deferred, 1);
            }

            return;
        }

        AcquireBusy();
        Action? after = null;
        try
        {
            lock (_sync)
            {
                after = TearDownLocked();
            }
        }
        finally
        {
            // A timer callback that started before the teardown waits on _sync, then sees _tornDown: nothing of this
            // ring's region is touched after the teardown. Volatile.Write: release the enter lock taken above.
            Volatile.Write(ref _busy, 0);
            after?.Invoke();
            release?.Invoke();
        }
    }

    /// <summary>
    /// The teardown a Dispose on the kernel's own thread deferred, run as a thread lets go of the kernel: an enter
    /// (holding the busy flag: <paramref name="ownsBusy"/>) or a timer callback (which waits for a running enter, as
    /// a Dispose does). A thread still inside the kernel — the lock held, or the enter's own — leaves it to the outer hold.
    /// </summary>
    /// <returns>Whether this call tore the ring down (or found it torn down and freed what was left).</returns>
    private bool FinishDeferredTeardown(bool ownsBusy)
    {
        // Volatile.Read: set under the lock by the Dispose that deferred; this thread has let go of that lock since.
        if (Volatile.Read(ref _deferred) == 0 || _sync.IsHeldByCurrentThread || (!ownsBusy && _enterThread == Environment.CurrentManagedThreadId))
        {
            return false;
        }

        if (!ownsBusy)
        {
            AcquireBusy();
        }

        Action? after;
        try
        {
            lock (_sync)
            {
                after = TearDownLocked();
            }
        }
        finally
        {
            if (!ownsBusy)
            {
                // Volatile.Write: release the enter lock taken above.
                Volatile.Write(ref _busy, 0);
            }
        }

        after?.Invoke();
        return true;
    }

    /// <summary>Takes the enter lock for good once a running enter (on another thread) has finished.</summary>
    private void AcquireBusy()
    {
        // Interlocked: the enter lock; a running enter finishes first (it sees _closing if it waits).
        var spin = default(SpinWait);
        while (Interlocked.CompareExchange(ref _busy, 1, 0) != 0)
        {
            spin.SpinOnce();
        }
    }

    /// <summary>
    /// Under the lock: tears down once (what is pending completes with ECANCELED, every descriptor closes), then
    /// hands back what deferred Disposes asked to free after it — also those an observer's Dispose added meanwhile.
    /// </summary>
    private Action? TearDownLocked()
    {
        if (!_tornDown)
        {
            _tornDown = true;
            _runner.CancelEverything();
            _files.CloseAll();
            RingCounts.Retire(_counters);
        }

        var after = _afterTeardown;
        _afterTeardown = null;

        // Volatile.Write: done; a thread letting go later finds nothing left to do.
        Volatile.Write(ref _deferred, 0);
        return after;
    }
}
