using System.Diagnostics;

namespace VerbRing.Kernel;

/// <summary>
/// How long one side of a handoff (the server's doorbell page, the kernel thread's request slot) spins for its
/// partner's sequence to move before it sleeps, fitted to the partner's answers. A wait first spins tightly for
/// <see cref="TightMicroseconds"/>, then yields the CPU between looks, so on a crowded two-core machine a spinner hands
/// its core to whoever can use it; it never spins past the budget, at most <see cref="MaxMicroseconds"/>. An answer
/// the spin caught after t stretches the budget to 2t; a wait that had to sleep halves it (down to
/// <see cref="MinMicroseconds"/>); every <see cref="ProbeEvery"/>th wait spins the full maximum, so that a partner
/// whose answers came back within reach is found again. One side owns one budget; it allocates nothing.
/// </summary>
internal struct SpinBudget
{
    /// <summary>The longest spin: about what a futex sleep and wake cost here, so spinning first never costs over 2×.</summary>
    public const int MaxMicroseconds = 100;

    /// <summary>The shortest spin: what a partner answering at once (a short enter, the next batch) needs.</summary>
    public const int MinMicroseconds = 5;

    /// <summary>The tight spin that starts a wait, with no yield: a quick answer is seen within tens of nanoseconds.</summary>
    public const int TightMicroseconds = 2;

    /// <summary>How often a wait ignores a shrunken budget and spins the full maximum.</summary>
    public const int ProbeEvery = 8;

    /// <summary><see cref="MaxMicroseconds"/> in <see cref="Stopwatch"/> ticks.</summary>
    public static readonly long MaxTicks = Ticks(MaxMicroseconds);

    /// <summary><see cref="MinMicroseconds"/> in <see cref="Stopwatch"/> ticks.</summary>
    public static readonly long MinTicks = Ticks(MinMicroseconds);

    private static readonly long TightTicks = Ticks(TightMicroseconds);

    private long _ticks;
    private int _waits;

    /// <summary>The fitted budget in <see cref="Stopwatch"/> ticks; 0 until the first wait ended.</summary>
    public readonly long FittedTicks => _ticks;

    /// <summary>
    /// Spins while <c>word == seen</c>, within the budget; true when the word moved. <paramref name="partnerCpu"/>
    /// is the CPU the partner last published from: when it is the CPU this thread runs on, the partner cannot answer
    /// while we hold it, so every look yields from the first instead of spinning tightly.
    /// </summary>
    public bool Spin(ref int word, int seen, int partnerCpu)
    {
        var tight = partnerCpu != Thread.GetCurrentProcessorId();
        var budget = NextWait();
        var start = 0L; // the clock is read from the 16th look on: a quick answer costs no clock read at all
        for (var look = 1; ; look++)
        {
            // Volatile.Read: acquire — what the partner wrote before its sequence is visible once we see it.
            if (Volatile.Read(ref word) != seen)
            {
                Caught(start == 0 ? 0 : Stopwatch.GetTimestamp() - start);
                return true;
            }

            if (tight && look % 16 != 0)
            {
                Thread.SpinWait(1);
                continue;
            }

            var now = Stopwatch.GetTimestamp();
            start = start == 0 ? now : start;
            if (now - start >= budget)
            {
                Missed();
                return false;
            }

            if (!tight || now - start >= TightTicks)
            {
                Thread.Yield(); // a thread that can use this core gets it; with nobody waiting this returns at once
            }
        }
    }

    /// <summary>
    /// Counts a wait and says how long it may spin, in ticks: the full maximum before any answer was fitted and on
    /// every <see cref="ProbeEvery"/>th wait, the fitted budget otherwise.
    /// </summary>
    public long NextWait() => _ticks == 0 || ++_waits % ProbeEvery == 0 ? MaxTicks : _ticks;

    /// <summary>A wait the spin caught after <paramref name="took"/> ticks: the budget grows to twice that, never shrinks.</summary>
    public void Caught(long took) => _ticks = Math.Clamp(Math.Max(_ticks, 2 * took), MinTicks, MaxTicks);

    /// <summary>A wait that spun its whole budget and must sleep: the budget halves, down to the minimum.</summary>
    public void Missed() => _ticks = Math.Max(MinTicks, (_ticks == 0 ? MaxTicks : _ticks) / 2);

    private static long Ticks(int microseconds) => Math.Max(1, Stopwatch.Frequency * microseconds / 1_000_000);
}
