using System.Diagnostics;

namespace VerbRing.Kernel;

/// <summary>
/// How long one side of a handoff (the server's doorbell page, the kernel thread's request slot) spins for its
/// partner's sequence to move before it sleeps, learnt from whether recent spins paid. A spin pays when the partner
/// answers while we watch; it cannot when the partner is asleep (it needs a wake-up first), when it last ran on our
/// own CPU (it cannot run while we spin), or when the machine has more runnable threads than CPUs (the partner
/// waits for a CPU, and a spinner that loses its own is a whole time slice late). So a side spins only for a
/// partner that can answer, never yields (a yield on a crowded machine donates a time slice to whoever else is
/// runnable), and goes to sleep at once while spinning does not pay — coming back when a probe shows it pays again.
/// One side owns one budget; it allocates nothing. The rules are pure arithmetic on outcomes, tested without a clock.
/// </summary>
// Design: the budget is fitted to the answers the spin caught (one caught after t stretches it to 2t, between
// MinMicroseconds and MaxMicroseconds). A spin that ran out halves it, and MissesToSleep in a row, or one spin that
// lost its CPU (two looks further apart than PreemptedMicroseconds), turn spinning off: the side sleeps at once.
// Asleep, or facing a partner that cannot answer, it still spins the full maximum on every probe-th wait — the
// interval starting at ProbeEvery and doubling with each probe that did not pay, up to MaxProbeEvery — so that on a
// crowded machine probing costs ~0.1 % of the time, and a machine that quietened is noticed within a few probes.
internal struct SpinBudget
{
    /// <summary>The longest spin: about what a futex sleep and wake cost here, so spinning first never costs over 2×.</summary>
    public const int MaxMicroseconds = 100;

    /// <summary>The shortest fitted spin: what a partner answering at once (a short enter, the next batch) needs.</summary>
    public const int MinMicroseconds = 5;

    /// <summary>A gap between two looks this long means the spinner lost its CPU: the machine is oversubscribed.</summary>
    public const int PreemptedMicroseconds = 50;

    /// <summary>Spins in a row that ran out of budget before spinning is turned off.</summary>
    public const int MissesToSleep = 3;

    /// <summary>The first probe interval: how many waits pass between full spins while spinning does not pay.</summary>
    public const int ProbeEvery = 8;

    /// <summary>The longest probe interval, reached after seven probes in a row that did not pay.</summary>
    public const int MaxProbeEvery = 1024;

    /// <summary><see cref="MaxMicroseconds"/> in <see cref="Stopwatch"/> ticks.</summary>
    public static readonly long MaxTicks = Ticks(MaxMicroseconds);

    /// <summary><see cref="MinMicroseconds"/> in <see cref="Stopwatch"/> ticks.</summary>
    public static readonly long MinTicks = Ticks(MinMicroseconds);

    /// <summary><see cref="PreemptedMicroseconds"/> in <see cref="Stopwatch"/> ticks.</summary>
    public static readonly long PreemptedTicks = Ticks(PreemptedMicroseconds);

    private long _ticks;
    private int _waits;
    private int _misses;
    private int _probeEvery;
    private bool _asleep;
    private bool _probing;

    /// <summary>The fitted budget in <see cref="Stopwatch"/> ticks; 0 until a spin caught an answer.</summary>
    public readonly long FittedTicks => _ticks;

    /// <summary>Whether spinning is off: every wait but a probe sleeps at once.</summary>
    public readonly bool Asleep => _asleep;

    /// <summary>Waits between two probes now (<see cref="ProbeEvery"/> until a probe failed).</summary>
    public readonly int ProbeInterval => _probeEvery == 0 ? ProbeEvery : _probeEvery;

    /// <summary>
    /// Whether a partner could answer while we spin: it has not announced sleep (<paramref name="partnerSleeping"/>
    /// is zero) and did not last publish from the CPU this thread runs on (<paramref name="partnerCpu"/>).
    /// </summary>
    public static bool CanAnswer(int partnerSleeping, int partnerCpu) =>
        partnerSleeping == 0 && partnerCpu != Thread.GetCurrentProcessorId();

    /// <summary>
    /// Spins while <c>word == seen</c>, within the budget; true when the word moved. <paramref name="partnerCanAnswer"/>
    /// (see <see cref="CanAnswer"/>) false, or spinning off, means no spin but a probe's: one look, and the caller
    /// sleeps.
    /// </summary>
    public bool Spin(ref int word, int seen, bool partnerCanAnswer)
    {
        var budget = NextWait(partnerCanAnswer);
        var start = 0L; // the clock is read from the 16th look on: a quick answer costs no clock read at all
        var last = 0L;
        for (var look = 1; ; look++)
        {
            // Volatile.Read: acquire — what the partner wrote before its sequence is visible once we see it.
            if (Volatile.Read(ref word) != seen)
            {
                if (budget != 0)
                {
                    Caught(start == 0 ? 0 : Stopwatch.GetTimestamp() - start);
                }

                return true;
            }

            if (budget == 0)
            {
                return false;
            }

            if (look % 16 != 0)
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
            last = now;
            if (now - start >= budget)
            {
                Missed();
                return false;
            }
        }
    }

    /// <summary>
    /// Counts a wait and says how long it may spin, in ticks (0: sleep at once). Every probe-th wait spins the full
    /// maximum whatever the state; otherwise the full maximum before anything was fitted, the fitted budget while
    /// spinning pays and the partner can answer, and nothing when spinning is off or the partner cannot answer.
    /// </summary>
    public long NextWait(bool partnerCanAnswer)
    {
        _probing = ++_waits >= ProbeInterval;
        if (_probing)
        {
            _waits = 0;
            return MaxTicks;
        }

        return _asleep || !partnerCanAnswer ? 0 : _ticks == 0 ? MaxTicks : _ticks;
    }

    /// <summary>
    /// A spin caught the answer after <paramref name="took"/> ticks: spinning pays. It is on again, probes go back
    /// to their first interval, and the budget grows to twice what it took (it never shrinks on a catch).
    /// </summary>
    public void Caught(long took)
    {
        _ticks = Math.Clamp(Math.Max(_ticks, 2 * took), MinTicks, MaxTicks);
        _misses = 0;
        _asleep = false;
        _probeEvery = ProbeEvery;
    }

    /// <summary>
    /// A spin ran its whole budget and the caller sleeps. A failed probe doubles the probe interval (while spinning
    /// is off); otherwise the budget halves, and the <see cref="MissesToSleep"/>th miss in a row turns spinning off.
    /// </summary>
    public void Missed()
    {
        if (_probing && _asleep)
        {
            Backoff();
            return;
        }

        _ticks = Math.Max(MinTicks, (_ticks == 0 ? MaxTicks : _ticks) / 2);
        if (++_misses >= MissesToSleep)
        {
            _asleep = true;
        }
    }

    /// <summary>
    /// A spin lost its CPU (two looks more than <see cref="PreemptedTicks"/> apart): the machine has more runnable
    /// threads than CPUs, and spinning on it makes things worse. Spinning is off at once; a probe that lost its CPU
    /// also doubles the probe interval.
    /// </summary>
    public void Preempted()
    {
        if (_asleep && _probing)
        {
            Backoff();
        }

        _misses = MissesToSleep;
        _asleep = true;
    }

    private void Backoff() => _probeEvery = Math.Min(MaxProbeEvery, 2 * ProbeInterval);

    private static long Ticks(int microseconds) => Math.Max(1, Stopwatch.Frequency * microseconds / 1_000_000);
}
