using System.Diagnostics;

namespace VerbRing.Verbs.Client;

/// <summary>
/// How long one side of a handoff (the server's doorbell page, the kernel thread's request slot) spins for its
/// partner's sequence to move before it sleeps, learnt from whether recent spins paid. A spin pays when the partner
/// answers while we watch. It does not when the machine has more runnable threads than CPUs: the partner waits for
/// a CPU, a spinner that loses its own is a time slice late, and a yield hands a whole slice to whoever else is
/// runnable. So a side turns spinning off as soon as it sees that (a lost CPU, or misses in a row), sleeps at once
/// while it is off, and probes now and then to find out whether spinning pays again. One side owns one budget; it
/// allocates nothing. The rules are pure arithmetic on outcomes, tested without a clock.
/// </summary>
// Design: a spin looks at the word tightly, or — when the partner last published from this very CPU, where it
// cannot answer while we spin — yields between looks. Either way it reads the clock every so often; two readings
// more than PreemptedMicroseconds apart mean this thread was off its CPU (preempted, or a yield that ran a stranger
// rather than the partner): the machine is oversubscribed. A catch fits the budget (caught after t: 2t, between
// MinMicroseconds and MaxMicroseconds); a spin that ran out halves it. Spinning turns off when lost CPUs come
// faster than one per LostCpuCatches catches (a slice costs about that many wake-ups saved; beside compilers that
// block now and then a slice is lost rarely, beside busy processes often), and for the side that asks (the
// leader: the client, the user side) also on MissesToSleep misses in a row. Off, a side
// spins the full maximum only on every probe-th wait; the probe interval starts at ProbeEvery, doubles each time
// spinning turns off and each time a probe fails, up to MaxProbeEvery, and halves after SustainedCatches catches
// in a row — so on a crowded machine the rare probe that loses a time slice costs a few per cent, and a machine
// that quietened is noticed within one interval. The side that answers (the follower: the server's session, the
// kernel thread) waits for requests, and how long those take includes whatever the asker does between enters; so
// misses do not turn it off, and it does not spin at all while the asker announced sleep (the asker needs a wake-up
// before it can ask again) — it comes along as soon as the asker is awake. The asker does not follow the answerer
// likewise: it spins through its partner's wake-up, which is how the two find their way back from sleeping. The
// handoffs of one process share a SpinHint: a budget that starts within a second of another's turn-off starts off,
// at that interval, instead of learning the crowd again one lost time slice at a time.
internal struct SpinBudget
{
    /// <summary>The longest spin: about what a futex sleep and wake cost here, so spinning first never costs over 2×.</summary>
    public const int MaxMicroseconds = 100;

    /// <summary>The shortest fitted spin: what a partner answering at once (a short enter, the next batch) needs.</summary>
    public const int MinMicroseconds = 5;

    /// <summary>
    /// A gap between two looks this long means the spinner lost its CPU for a time slice: the machine is
    /// oversubscribed. Measured here, beside busy processes the gaps are time slices of 1–8 ms; beside compilers that
    /// block now and then, most are 32–256 µs, which spinning survives better than sleeping.
    /// </summary>
    public const int PreemptedMicroseconds = 500;

    /// <summary>
    /// What one lost time slice costs, in catches: a slice is milliseconds, a catch saves a futex wake-up of tens of
    /// microseconds. A second lost CPU within this many catches of the first turns spinning off.
    /// </summary>
    public const int LostCpuCatches = 128;

    /// <summary>Spins in a row that ran out of budget before spinning is turned off.</summary>
    public const int MissesToSleep = 3;

    /// <summary>The first probe interval: how many waits pass between full spins while spinning does not pay.</summary>
    public const int ProbeEvery = 8;

    /// <summary>The longest probe interval.</summary>
    public const int MaxProbeEvery = 4096;

    /// <summary>Catches in a row after which the probe interval halves.</summary>
    public const int SustainedCatches = 4096;

    /// <summary><see cref="MaxMicroseconds"/> in <see cref="Stopwatch"/> ticks.</summary>
    public static readonly long MaxTicks = Ticks(MaxMicroseconds);

    /// <summary><see cref="MinMicroseconds"/> in <see cref="Stopwatch"/> ticks.</summary>
    public static readonly long MinTicks = Ticks(MinMicroseconds);

    /// <summary><see cref="PreemptedMicroseconds"/> in <see cref="Stopwatch"/> ticks.</summary>
    public static readonly long PreemptedTicks = Ticks(PreemptedMicroseconds);

    private long _ticks;
    private int _waits;
    private int _misses;
    private int _catches;
    private int _debt;
    private int _probeEvery;
    private bool _asleep;
    private bool _probing;
    private bool _follows;
    private bool _started;
    private SpinHint? _hint;

    /// <summary>
    /// The budget of the side that asks, sharing what it learns with the other budgets of <paramref name="hint"/>
    /// (a new budget whose hint says the machine was crowded starts with spinning off, at the hint's interval).
    /// </summary>
    public static SpinBudget Leader(SpinHint? hint = null) => new() { _hint = hint };

    /// <summary>The budget of the side that answers: it spins only while its partner is awake (see Design).</summary>
    public static SpinBudget Follower(SpinHint? hint = null) => new() { _follows = true, _hint = hint };

    /// <summary>The fitted budget in <see cref="Stopwatch"/> ticks; 0 until a spin caught an answer.</summary>
    public readonly long FittedTicks => _ticks;

    /// <summary>Whether spinning is off: every wait but a probe sleeps at once.</summary>
    public readonly bool Asleep => _asleep;

    /// <summary>Lost CPUs counted against spinning, in catches; each catch pays one back.</summary>
    public readonly int LostCpuDebt => _debt;

    /// <summary>Waits between two probes now.</summary>
    public readonly int ProbeInterval => _probeEvery == 0 ? ProbeEvery : _probeEvery;

    /// <summary>
    /// Spins while <c>word == seen</c>, within the budget; true when the word moved. <paramref name="partnerCpu"/>
    /// is the CPU the partner last published from: when it is ours, the partner cannot answer while we spin, so each
    /// look yields the CPU instead — and a yield that comes back later than <see cref="PreemptedTicks"/> went to
    /// someone else, which counts as a lost CPU. <paramref name="partnerAsleep"/> (a follower's partner announced
    /// sleep) or spinning off means no spin but a probe's: one look, and the caller sleeps.
    /// </summary>
    public bool Spin(ref int word, int seen, int partnerCpu, bool partnerAsleep = false)
    {
        var budget = NextWait(!partnerAsleep);
        var tight = partnerCpu != Thread.GetCurrentProcessorId();
        var start = 0L; // the clock is read from the 16th tight look on: a quick answer costs no clock read at all
        var last = 0L;
        for (var look = 1; ; look++)
        {
            // Volatile.Read: acquire — what the partner wrote before its sequence is visible once we see it.
            if (Volatile.Read(ref word) != seen)
            {
                if (budget != 0)
                {
                    Answered(start == 0 ? 0 : Stopwatch.GetTimestamp(), start, last);
                }

                return true;
            }

            if (budget == 0)
            {
                return false;
            }

            if (tight && look % 16 != 0)
            {
                Thread.SpinWait(1);
                continue;
            }

            var now = Stopwatch.GetTimestamp();
            if (start != 0 && now - last >= PreemptedTicks)
            {
                Preempted();

                // Volatile.Read: acquire, as above; an answer that came while we were off the CPU is still one.
                return Volatile.Read(ref word) != seen;
            }

            start = start == 0 ? now : start;
            if (now - start >= budget)
            {
                Missed();
                return false;
            }

            if (!tight)
            {
                Thread.Yield(); // the partner shares our CPU; whether it, not a stranger, ran is the next look's question
            }

            last = now;
        }
    }

    /// <summary>
    /// Counts a wait and says how long it may spin, in ticks (0: sleep at once): nothing for a follower whose
    /// partner is not <paramref name="partnerAwake"/>; otherwise the full maximum on every probe-th wait, nothing
    /// while spinning is off, the full maximum before anything was fitted and the fitted budget after.
    /// </summary>
    public long NextWait(bool partnerAwake)
    {
        if (!_started)
        {
            Start();
        }

        _probing = ++_waits >= ProbeInterval;
        if (_probing)
        {
            _waits = 0;
        }

        if ((_follows && !partnerAwake) || (!_probing && _asleep))
        {
            return 0;
        }

        return _probing || _ticks == 0 ? MaxTicks : _ticks;
    }

    /// <summary>
    /// A spin caught the answer after <paramref name="took"/> ticks: spinning pays and is on. The budget grows to
    /// twice what it took (it never shrinks on a catch); a sustained run of catches halves the probe interval.
    /// </summary>
    public void Caught(long took)
    {
        _ticks = Math.Clamp(Math.Max(_ticks, 2 * took), MinTicks, MaxTicks);
        _misses = 0;
        _asleep = false;
        _debt = Math.Max(0, _debt - 1);
        if (++_catches >= SustainedCatches)
        {
            _catches = 0;
            _probeEvery = Math.Max(ProbeEvery, ProbeInterval / 2);
            _hint?.Publish(_probeEvery);
        }
    }

    /// <summary>
    /// A spin ran its whole budget and the caller sleeps. A failed probe while spinning is off doubles the probe
    /// interval; otherwise the budget halves (down to the minimum), and a leader's <see cref="MissesToSleep"/>th
    /// miss in a row turns spinning off.
    /// </summary>
    public void Missed()
    {
        _catches = 0;
        if (_asleep)
        {
            Backoff();
            return;
        }

        _ticks = Math.Max(MinTicks, (_ticks == 0 ? MaxTicks : _ticks) / 2);
        if (++_misses >= MissesToSleep && !_follows)
        {
            Sleep();
        }
    }

    /// <summary>
    /// A spin lost its CPU (two looks more than <see cref="PreemptedTicks"/> apart): the machine has more runnable
    /// threads than CPUs, and spinning on it makes things worse. A second lost CPU within
    /// <see cref="LostCpuCatches"/> catches of the first — or the first since spinning came back on — turns spinning
    /// off; a probe that lost its CPU backs off as a failed one.
    /// </summary>
    public void Preempted()
    {
        _catches = 0;
        if (_asleep)
        {
            Backoff();
            return;
        }

        _debt += LostCpuCatches;
        if (_debt > LostCpuCatches)
        {
            Sleep();
        }
    }

    /// <summary>
    /// The answer came at <paramref name="now"/> (0: at once, before the clock was read): a catch after
    /// <c>now - start</c>, unless we were off the CPU since the look at <paramref name="last"/> — a yield that came
    /// back a time slice later catches the answer too late to call the spin paid.
    /// </summary>
    public void Answered(long now, long start, long last)
    {
        if (now != 0 && now - last >= PreemptedTicks)
        {
            Preempted();
        }
        else
        {
            Caught(now == 0 ? 0 : now - start);
        }
    }

    /// <summary>Turns spinning off and doubles the probe interval.</summary>
    private void Sleep()
    {
        _asleep = true;
        _misses = 0;
        _debt = LostCpuCatches; // back on, the first lost CPU within LostCpuCatches catches turns it off again
        Backoff();
        _hint?.Publish(_probeEvery);
    }

    /// <summary>A budget's first wait: a hint of a crowded machine (an interval past the first) starts it off.</summary>
    private void Start()
    {
        _started = true;
        if (_hint?.Interval is > ProbeEvery and var interval)
        {
            _asleep = true;
            _probeEvery = Math.Min(MaxProbeEvery, interval);
        }
    }

    private void Backoff() => _probeEvery = Math.Min(MaxProbeEvery, 2 * ProbeInterval);

    private static long Ticks(int microseconds) => Math.Max(1, Stopwatch.Frequency * microseconds / 1_000_000);
}
