namespace VerbRing.Verbs.Client;

/// <summary>
/// What the spin budgets of one process learnt about the machine lately, so that a new ring on a crowded machine
/// starts where the last one left off instead of losing a time slice per lesson: the probe interval the latest
/// budget set when spinning turned off or a sustained run of catches shortened it (see <see cref="SpinBudget"/>).
/// A hint older than <see cref="Lifetime"/> says nothing: the crowd may have gone.
/// </summary>
internal sealed class SpinHint(TimeProvider time)
{
    /// <summary>How long a published interval stays a hint.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(1);

    private readonly TimeProvider _time = time;
    private long _published;
    private int _interval;

    /// <summary>The hint every handoff of this process shares.</summary>
    public static SpinHint Process { get; } = new(TimeProvider.System);

    /// <summary>The probe interval published within the last <see cref="Lifetime"/>; 0 if none was.</summary>
    public int Interval
    {
        get
        {
            // Volatile.Read (both): another thread's latest words; a torn pair only makes a hint a little off.
            var interval = Volatile.Read(ref _interval);
            return interval != 0 && _time.GetElapsedTime(Volatile.Read(ref _published)) < Lifetime ? interval : 0;
        }
    }

    /// <summary>Publishes <paramref name="interval"/>, now; the last writer wins.</summary>
    public void Publish(int interval)
    {
        // Volatile.Write (both): seen by the next budget that starts, on whatever thread.
        Volatile.Write(ref _published, _time.GetTimestamp());
        Volatile.Write(ref _interval, interval);
    }
}
