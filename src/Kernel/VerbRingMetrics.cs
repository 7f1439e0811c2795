using System.Diagnostics.Metrics;
using VerbRing.Verbs;

namespace VerbRing.Kernel;

/// <summary>
/// VerbRing's metrics, through <see cref="System.Diagnostics.Metrics"/>: one <see cref="Meter"/> named
/// <see cref="MeterName"/> whose instruments are all observable — they read the counts rings and servers keep in
/// plain fields (RingCounts), so the hot path makes no call into the meter and allocates nothing. A
/// <see cref="Server.RingServer"/> publishes the meter as it starts; a program with in-process rings only calls
/// <see cref="Publish"/> once. Then <c>dotnet-counters monitor --counters VerbRing</c>, OpenTelemetry's
/// <c>AddMeter("VerbRing")</c> or a <see cref="MeterListener"/> see it with no further code. Counts are per process.
/// </summary>
public static class VerbRingMetrics
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "VerbRing";

    private static readonly Meter Meter = new(MeterName);
    private static readonly string[] VerbNames = [.. Enumerable.Range(0, KernelCounters.Slots - 1).Select(VerbName), "unknown"];

    static VerbRingMetrics()
    {
        Meter.CreateObservableCounter("verbring.sessions.opened", static () => RingCounts.SessionsOpened, "{session}", "Server sessions that got a ring.");
        Meter.CreateObservableUpDownCounter("verbring.sessions.active", static () => RingCounts.SessionsActive, "{session}", "Server sessions serving a ring now.");
        Meter.CreateObservableCounter("verbring.sessions.refused", static () => RingCounts.Refusals, "{connection}", "Connections the server refused in setup (a user it does not serve, past --max-clients, a bad or late setup).");
        Meter.CreateObservableCounter("verbring.enters", static () => RingCounts.Enters, "{enter}", "Enters run by every ring in the process.");
        Meter.CreateObservableCounter("verbring.sqes", static () => RingCounts.Sqes, "{sqe}", "SQEs consumed by enters.");
        Meter.CreateObservableGauge("verbring.cq.backlog", static () => RingCounts.Backlog, "{cqe}", "Completions waiting for CQ space, over every live ring.");
        Meter.CreateObservableCounter("verbring.handoff.stalls", static () => RingCounts.Stalls, "{wait}", "Doorbell waits whose spin ran out and slept on the futex.");
        Meter.CreateObservableCounter("verbring.verb.errors", Errors, "{cqe}", "CQEs posted with a non-zero errno, tagged by verb.");
    }

    /// <summary>
    /// Publishes the meter and its instruments now (idempotent), counting everything since the process started.
    /// <see cref="Server.RingServer"/> calls it as it starts.
    /// </summary>
    public static void Publish()
    {
        // The static constructor did the work, once.
    }

    private static IEnumerable<Measurement<long>> Errors() =>
        RingCounts.Errors().Select((n, i) => new Measurement<long>(n, new KeyValuePair<string, object?>("verb", VerbNames[i])));

    private static string VerbName(int op) => Enum.IsDefined((Op)op) ? ((Op)op).ToString().ToLowerInvariant() : $"op{op}";
}
