using VerbRing.Registers;
using VerbRing.Verbs;
using VerbRing.Verbs.Programs;

namespace VerbRing.Kernel.Tracing;

/// <summary>
/// Records every operation of one ring, in completion order, and every enter, for traces and snapshot tests. It
/// copies the bytes a READ or WRITE moved at the moment the verb finished, before a later step can overwrite the
/// buffer, and stamps each record with the kernel's clock (the factory's <see cref="TimeProvider"/>, taken when the
/// ring is created: a virtual clock gives the same times on every run).
/// </summary>
public sealed class TraceRecorder : IRingObserver, IEnterObserver
{
    /// <summary>How many bytes of a READ or WRITE a trace keeps.</summary>
    public const int PreviewLength = 32;

    private readonly List<TraceEntry> _entries = [];
    private readonly List<TracedEnter> _enters = [];
    private readonly Lock _sync = new(); // completions come on the kernel's thread or a timer's, enters on the caller's
    private TimeProvider _time = TimeProvider.System;
    private long _origin = TimeProvider.System.GetTimestamp();
    private RingRegion? _region;

    /// <summary>Everything recorded so far (a copy).</summary>
    public IReadOnlyList<TraceEntry> Entries
    {
        get
        {
            lock (_sync)
            {
                return [.. _entries];
            }
        }
    }

    /// <summary>Every enter so far (a copy; filled when the ring came from a <see cref="RingFactory"/>).</summary>
    public IReadOnlyList<TracedEnter> Enters
    {
        get
        {
            lock (_sync)
            {
                return [.. _enters];
            }
        }
    }

    /// <summary>Lets the recorder read user memory (for previews); call once the ring exists.</summary>
    public void Attach(IoRing ring)
    {
        ArgumentNullException.ThrowIfNull(ring);
        _region = ring.Region;
    }

    /// <summary>
    /// The run of <paramref name="loaded"/> that this recorder watched, as the renderers take it: the text and JSON
    /// trace (<see cref="TraceRenderer"/>), the Perfetto timeline (<see cref="ChromeTrace"/>).
    /// </summary>
    public TracedRun ToTracedRun(LoadedProgram loaded, ProgramRun run)
    {
        ArgumentNullException.ThrowIfNull(loaded);
        ArgumentNullException.ThrowIfNull(run);
        return new TracedRun(run, Entries, loaded) { Enters = Enters };
    }

    /// <summary>Forgets what was recorded.</summary>
    public void Clear()
    {
        lock (_sync)
        {
            _entries.Clear();
            _enters.Clear();
        }
    }

    /// <inheritdoc />
    public void OnCompleted(in TracedOperation operation)
    {
        var bytes = Array.Empty<byte>();
        if (_region is { } region && operation.Error == Errno.OK && operation.Op is (uint)Op.Read or (uint)Op.Write)
        {
            bytes = Preview(region, operation.Arg1, Math.Min(operation.Result, PreviewLength));
        }

        lock (_sync)
        {
            _entries.Add(new TraceEntry(operation, bytes) { CompletedAt = Now() });
        }
    }

    /// <inheritdoc />
    void IEnterObserver.UseClock(TimeProvider time)
    {
        lock (_sync)
        {
            _time = time;
            _origin = time.GetTimestamp();
        }
    }

    /// <inheritdoc />
    TimeSpan IEnterObserver.Now()
    {
        lock (_sync)
        {
            return Now();
        }
    }

    /// <inheritdoc />
    void IEnterObserver.OnEntered(uint amount, uint wait, EnterResult result, TimeSpan began)
    {
        lock (_sync)
        {
            var now = Now();
            _enters.Add(new TracedEnter(amount, wait, result.Consumed, result.Error, began, now < began ? began : now));
        }
    }

    /// <summary>Up to <paramref name="count"/> bytes of user memory at <paramref name="address"/>; empty when outside it.</summary>
    internal static byte[] Preview(RingRegion region, ulong address, ulong count)
    {
        var offset = address - RingLayout.UserBase;
        var size = (ulong)region.Layout.UserMemorySize;
        return address >= RingLayout.UserBase && offset <= size && count <= size - offset
            ? region.UserMemory.Slice((int)offset, (int)count).ToArray()
            : [];
    }

    private TimeSpan Now() => _time.GetElapsedTime(_origin); // the caller holds _sync
}
