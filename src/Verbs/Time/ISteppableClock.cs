namespace VerbRing.Verbs.Time;

/// <summary>
/// A clock that moves only when told to. A program runner on such a clock never blocks waiting for time: when
/// nothing else can make progress it steps the clock to the next armed timer. Traces become independent of the
/// machine's speed.
/// </summary>
public interface ISteppableClock
{
    /// <summary>
    /// Moves time to the earliest armed timer and fires it, unless it is due after <paramref name="notAfter"/> (a
    /// timestamp of this clock): then time moves to <paramref name="notAfter"/> and the answer is false. With no timer
    /// armed at all, time stays where it is and the answer is false.
    /// </summary>
    bool TryAdvanceToNextTimer(long notAfter);
}
