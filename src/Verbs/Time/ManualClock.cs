using VerbRing.Verbs;

namespace VerbRing.Verbs.Time;

/// <summary>
/// A clock that moves only when told to: <see cref="Advance"/> by a duration, or <see cref="TryAdvanceToNextTimer"/>.
/// Timers fire inside those calls, on the caller's thread, in deadline order. <c>verbring run --virtual-time</c> and
/// the fuzzer use it for runs that do not depend on the machine's speed; tests that only need a clock that stands
/// still use <c>FakeTimeProvider</c> instead.
/// </summary>
/// <remarks>
/// Kept beside <c>FakeTimeProvider</c> (Microsoft.Extensions.TimeProvider.Testing) for what that lacks: stepping to
/// the next armed timer when nothing else can make progress (<see cref="ISteppableClock"/>, which the virtual-time
/// runner and the fuzzer need, as they cannot know how far to advance), and seeing the armed timers
/// (<see cref="ArmedTimers"/>, <see cref="WaitUntilArmed"/>), which the contract tests use to prove a deadline was
/// armed or released and to wait, without sleeping, until another thread's enter is blocked on one.
/// </remarks>
public sealed class ManualClock : TimeProvider, ISteppableClock
{
    private readonly object _lock = new();
    private readonly List<ManualTimer> _timers = [];
    private DateTimeOffset _now = new(2026, 1, 16, 0, 0, 0, TimeSpan.Zero);
    private long _ticks;

    /// <inheritdoc />
    public override DateTimeOffset GetUtcNow()
    {
        lock (_lock)
        {
            return _now;
        }
    }

    /// <inheritdoc />
    public override long GetTimestamp()
    {
        lock (_lock)
        {
            return _ticks;
        }
    }

    /// <inheritdoc />
    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    /// <summary>Timers armed now.</summary>
    public int ArmedTimers
    {
        get
        {
            lock (_lock)
            {
                return _timers.Count(t => t.Due is not null);
            }
        }
    }

    /// <inheritdoc />
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new ManualTimer(this, callback, state);
        lock (_lock)
        {
            _timers.Add(timer);
        }

        timer.Change(dueTime, period);
        return timer;
    }

    /// <summary>
    /// Blocks until at least <paramref name="count"/> timers are armed (another thread is about to wait on one), or
    /// <paramref name="limit"/> passes; returns whether they are. A wait on a condition, not a sleep.
    /// </summary>
    public bool WaitUntilArmed(int count, TimeSpan limit)
    {
        var until = DateTime.UtcNow + limit;
        lock (_lock)
        {
            while (_timers.Count(t => t.Due is not null) < count)
            {
                var left = until - DateTime.UtcNow;
                if (left <= TimeSpan.Zero || !Monitor.Wait(_lock, left))
                {
                    return _timers.Count(t => t.Due is not null) >= count;
                }
            }

            return true;
        }
    }

    /// <inheritdoc />
    public bool TryAdvanceToNextTimer(long notAfter)
    {
        long due;
        long now;
        lock (_lock)
        {
            now = _ticks;
            var next = _timers.Where(t => t.Due is not null).MinBy(t => t.Due);
            due = next?.Due ?? long.MaxValue;
        }

        if (due == long.MaxValue)
        {
            return false; // nothing is armed: time has no reason to move
        }

        var fires = due <= notAfter;
        Advance(TimeSpan.FromTicks(Math.Max(0, (fires ? due : notAfter) - now)));
        return fires;
    }

    /// <summary>Moves the clock forward, firing every timer that falls due, in deadline order.</summary>
    public void Advance(TimeSpan by)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(by, TimeSpan.Zero);
        long target;
        lock (_lock)
        {
            target = _ticks + by.Ticks;
        }

        while (true)
        {
            ManualTimer? next;
            lock (_lock)
            {
                next = _timers.Where(t => t.Due is { } due && due <= target).MinBy(t => t.Due);
                if (next is null)
                {
                    _now += TimeSpan.FromTicks(target - _ticks);
                    _ticks = target;
                    return;
                }

                _now += TimeSpan.FromTicks(next.Due!.Value - _ticks);
                _ticks = next.Due.Value;
                next.Due = next.Period is { } period && period > TimeSpan.Zero ? _ticks + period.Ticks : null;
            }

            next.Fire();
        }
    }

    private sealed class ManualTimer(ManualClock owner, TimerCallback callback, object? state) : ITimer
    {
        public long? Due { get; set; }

        public TimeSpan? Period { get; private set; }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            lock (owner._lock)
            {
                Due = dueTime == Timeout.InfiniteTimeSpan ? null : owner._ticks + dueTime.Ticks;
                Period = period == Timeout.InfiniteTimeSpan ? null : period;
                Monitor.PulseAll(owner._lock); // WaitUntilArmed
            }

            return true;
        }

        public void Fire() => callback(state);

        public void Dispose()
        {
            lock (owner._lock)
            {
                Due = null;
                owner._timers.Remove(this);
            }
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
