using System.Diagnostics.Metrics;
using VerbRing.Verbs;

namespace VerbRing.Kernel;

/// <summary>
/// VerbRing's metrics, through <see cref="System.Diagnostics.Metrics"/>: one <see cref="Meter"/> named
/// <see cref="MeterName"/> whose instruments are all observable — they read counts the rings and the server keep in
/// plain fields, so the hot path pays no call into the meter and allocates nothing. <c>dotnet-counters monitor
/// --counters VerbRing</c>, OpenTelemetry's <c>AddMeter("VerbRing")</c> or a <see cref="MeterListener"/> see them
/// with no further code. Counts are per process: every ring and server in it.
/// </summary>
public static class VerbRingMetrics
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "VerbRing";

    private static readonly Meter Meter = new(MeterName);
    private static readonly List<KernelCounters> Live = [];
    private static readonly long[] RetiredErrors = new long[KernelCounters.Slots];
    private static readonly string[] VerbNames = [.. Enumerable.Range(0, KernelCounters.Slots - 1).Select(VerbName), "unknown"];
    private static long s_retiredEnters;
    private static long s_retiredSqes;
    private static long s_sessionsOpened;
    private static long s_sessionsActive;
    private static long s_refusals;
    private static long s_stalls;

    static VerbRingMetrics()
    {
        Meter.CreateObservableCounter("verbring.sessions.opened", () => Volatile.Read(ref s_sessionsOpened), "{session}", "Server sessions that got a ring.");
        Meter.CreateObservableUpDownCounter("verbring.sessions.active", () => Volatile.Read(ref s_sessionsActive), "{session}", "Server sessions serving a ring now.");
        Meter.CreateObservableCounter("verbring.sessions.refused", () => Volatile.Read(ref s_refusals), "{connection}", "Connections the server refused or dropped in setup (a user it does not serve, past --max-clients, a bad or late setup).");
        Meter.CreateObservableCounter("verbring.enters", () => Sum(static c => c.Enters, ref s_retiredEnters), "{enter}", "Enters run by every ring in the process.");
        Meter.CreateObservableCounter("verbring.sqes", () => Sum(static c => c.Sqes, ref s_retiredSqes), "{sqe}", "SQEs consumed by enters.");
        Meter.CreateObservableGauge("verbring.cq.backlog", Backlog, "{cqe}", "Completions waiting for CQ space, over every live ring.");
        Meter.CreateObservableCounter("verbring.handoff.stalls", () => Volatile.Read(ref s_stalls), "{wait}", "Doorbell waits whose spin ran out and slept on the futex.");
        Meter.CreateObservableCounter("verbring.verb.errors", Errors, "{cqe}", "CQEs posted with a non-zero errno, tagged by verb.");
    }

    /// <summary>Creates the meter and its instruments now (the static constructor), so a listener sees them before the first ring.</summary>
    internal static void EnsureCreated()
    {
    }

    /// <summary>Starts counting a new ring's counts.</summary>
    internal static void Track(KernelCounters counters)
    {
        lock (Live)
        {
            Live.Add(counters);
        }
    }

    /// <summary>Folds a torn-down ring's counts into the totals and stops reading it.</summary>
    internal static void Retire(KernelCounters counters)
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

    /// <summary>A session got its ring and its thread.</summary>
    internal static void SessionOpened()
    {
        Interlocked.Increment(ref s_sessionsOpened); // Interlocked: the setup thread and observers
        Interlocked.Increment(ref s_sessionsActive); // Interlocked: session threads count themselves out
    }

    /// <summary>A session's thread ended, its ring torn down.</summary>
    internal static void SessionClosed() => Interlocked.Decrement(ref s_sessionsActive); // Interlocked: concurrent session threads

    /// <summary>A connection was refused or dropped before it had a session.</summary>
    internal static void Refused() => Interlocked.Increment(ref s_refusals); // Interlocked: read by observers

    /// <summary>A doorbell wait outlived its spin and is about to sleep (already off the fast path).</summary>
    internal static void Stalled() => Interlocked.Increment(ref s_stalls); // Interlocked: any session thread

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

    private static long Backlog()
    {
        lock (Live)
        {
            return Live.Sum(c => (long)(c.Completions?.BacklogCount ?? 0));
        }
    }

    private static IEnumerable<Measurement<long>> Errors()
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

        return totals.Select((n, i) => new Measurement<long>(n, new KeyValuePair<string, object?>("verb", VerbNames[i])));
    }

    private static string VerbName(int op) => Enum.IsDefined((Op)op) ? ((Op)op).ToString().ToLowerInvariant() : $"op{op}";
}
