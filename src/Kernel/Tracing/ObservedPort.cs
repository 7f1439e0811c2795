using VerbRing.Verbs;

namespace VerbRing.Kernel.Tracing;

/// <summary>
/// An observer that also sees enters (the trace recorder): told the kernel's clock when its ring is made, and each
/// enter once it returns. Internal: the public surface is <see cref="IRingObserver"/> and <see cref="TraceRecorder"/>.
/// </summary>
internal interface IEnterObserver
{
    /// <summary>The clock the ring's kernel runs on; the trace's times start now.</summary>
    void UseClock(TimeProvider time);

    /// <summary>Now, since the trace began.</summary>
    TimeSpan Now();

    /// <summary>An enter that began at <paramref name="began"/> returned <paramref name="result"/> just now.</summary>
    void OnEntered(uint amount, uint wait, EnterResult result, TimeSpan began);
}

/// <summary>A ring's port that tells an <see cref="IEnterObserver"/> about each enter, around the kernel's own port.</summary>
internal sealed class ObservedPort(IRingPort inner, IEnterObserver observer) : IRingPort
{
    /// <inheritdoc />
    public EnterResult Enter(uint amount, uint wait, TimeSpan timeout)
    {
        var began = observer.Now();
        var result = inner.Enter(amount, wait, timeout);
        observer.OnEntered(amount, wait, result, began);
        return result;
    }

    /// <inheritdoc />
    public void Dispose() => inner.Dispose();

    /// <inheritdoc />
    public void Close(Action release) => inner.Close(release);
}
