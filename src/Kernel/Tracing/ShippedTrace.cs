using VerbRing.Verbs;
using VerbRing.Verbs.Client;

namespace VerbRing.Kernel.Tracing;

/// <summary>
/// The trace of a run on a server that traced it: the records its kernel observer shipped through the trace area
/// (<see cref="TraceArea"/>), already checked by the client's <see cref="TraceReader"/>, turned back into the entries
/// and enters an in-process <see cref="TraceRecorder"/> would have recorded — so the trace reads the same whatever
/// the kernel.
/// </summary>
internal static class ShippedTrace
{
    /// <summary>The completions and enters of <paramref name="records"/>, in the order the server wrote them.</summary>
    public static (List<TraceEntry> Entries, List<TracedEnter> Enters) Of(List<TraceRecord> records)
    {
        var entries = new List<TraceEntry>();
        var enters = new List<TracedEnter>();
        foreach (var record in records)
        {
            if (record.Kind == TraceRecordKind.Enter)
            {
                enters.Add(new TracedEnter(
                    record.OpOrAmount, (uint)record.DataOrCounts, (uint)(record.DataOrCounts >> 32), (Errno)record.Error,
                    Nanoseconds(record.Time), Nanoseconds(record.ResultOrEnd)));
            }
            else
            {
                entries.Add(Entry(record));
            }
        }

        return (entries, enters);
    }

    private static unsafe TraceEntry Entry(TraceRecord record)
    {
        var operation = new TracedOperation
        {
            Data = record.DataOrCounts,
            Op = record.OpOrAmount,
            Outcome = (TracedOutcome)record.Outcome,
            Arg0 = record.Args[0],
            Arg1 = record.Args[1],
            Arg2 = record.Args[2],
            Arg3 = record.Args[3],
            Arg4 = record.Args[4],
            Error = (Errno)record.Error,
            Result = record.ResultOrEnd,
        };

        // The reader checked ByteCount <= PreviewLength: the copy stays inside the record.
        var bytes = new ReadOnlySpan<byte>(record.Bytes, (int)record.ByteCount).ToArray();
        return new TraceEntry(operation, bytes) { CompletedAt = Nanoseconds(record.Time) };
    }

    /// <summary>A record's time; a value past what a TimeSpan holds (a hostile server) is clamped.</summary>
    private static TimeSpan Nanoseconds(ulong ns) => TimeSpan.FromTicks((long)Math.Min(ns / 100, (ulong)TimeSpan.MaxValue.Ticks));
}
