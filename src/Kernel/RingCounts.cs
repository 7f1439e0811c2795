using VerbRing.Verbs.Client;

namespace VerbRing.Kernel;

/// <summary>
/// The process's raw counts behind <see cref="VerbRingMetrics"/>: the live rings' <see cref="KernelCounters"/>, the
/// totals of rings torn down, and the server's session counts. Nothing here touches System.Diagnostics.Metrics, so a
/// process that never publishes the meter loads nothing for it.
/// </summary>
internal static class RingCounts
{
    private static readonly List<KernelCounters> Live = [];
    private static readonly long[] RetiredErrors = new long[KernelCounters.Slots];
    private static long s_retiredEnters;
    private static long s_retiredSqes;
    private static long s_sessionsOpened;
    private static long s_sessionsActive;
    private static long s_refusals;

    public static long SessionsOpened => Volatile.Read(ref s_sessionsOpened); // Volatile.Read: fresh for an observer

    public static long SessionsActive => Volatile.Read(ref s_sessionsActive); // Volatile.Read: as above

    public static long Refusals => Volatile.Read(ref s_refusals); // Volatile.Read: as above

    public static long Stalls => Doorbell.Stalls; // counted where the wait sleeps, on either side of the doorbell

    public static long Enters => Sum(static c => c.Enters, ref s_retiredEnters);

    public static long Sqes => Sum(static c => c.Sqes, ref s_retiredSqes);

    /// <summary>Completions waiting for CQ space over every live ring.</summary>
    public static long Backlog
    {
        get
        {
            lock (Live)
            {
                return Live.Sum(c => (long)(c.Completions?.BacklogCount ?? 0));
            }
        }
    }

    /// <summary>Starts counting a new ring's counts.</summary>
    public static void Track(KernelCounters counters)
    {
        lock (Live)
        {
            Live.Add(counters);
        }
    }

    /// <summary>Folds a torn-down ring's counts into the totals and stops reading it.</summary>
    public static void Retire(KernelCounters counters)
    {
        lock (Live)
        {
            if (!Live.Remove(counters))
            {
                return;
            }

            s_retiredEnters += counters.Enters;
            s_retiredSqes += counters.Sqes;
            for (var i = 0; i < RetiredErrors.Length; i++)
            {
                RetiredErrors[i] += counters.Errors[i];
            }
        }
    }

    /// <summary>Errors by op code slot, over every ring the process had.</summary>
    public static long[] Errors()
    {
        var totals = new long[KernelCounters.Slots];
        lock (Live)
        {
            RetiredErrors.CopyTo(totals, 0);
            foreach (var counters in Live)
            {
                for (var i = 0; i < totals.Length; i++)
                {
                    totals[i] += Volatile.Read(ref counters.Errors[i]); // Volatile.Read: the ring's lock holder writes it
                }
            }
        }

        return totals;
    }

    /// <summary>A session got its ring and its thread.</summary>
    public static void SessionOpened()
    {
        Interlocked.Increment(ref s_sessionsOpened); // Interlocked: the setup thread and observers
        Interlocked.Increment(ref s_sessionsActive); // Interlocked: session threads count themselves out
    }

    /// <summary>A session's thread ended, its ring torn down.</summary>
    public static void SessionClosed() => Interlocked.Decrement(ref s_sessionsActive); // Interlocked: concurrent session threads

    /// <summary>A connection was refused or dropped before it had a session.</summary>
    public static void Refused() => Interlocked.Increment(ref s_refusals); // Interlocked: read by observers


    private static long Sum(Func<KernelCounters, long> count, ref long retired)
    {
        lock (Live)
        {
            var total = retired;
            foreach (var counters in Live)
            {
                total += count(counters);
            }

            return total;
        }
    }
}
