namespace VerbRing.Verbs.Client;

/// <summary>
/// The doorbell page that follows a served ring in the same sealed memory (spec/transport.md, "The doorbell
/// page"): one cache line the client writes — its request, a flag saying it sleeps, the CPU it rang from — and one
/// the server writes — its reply, its flag, its CPU. Each side waits for the other's sequence to move: it spins
/// briefly, then sleeps on the sequence word with a shared futex. Both processes map these bytes; the server
/// trusts none of the client's.
/// </summary>
// Design: the handshake is Dekker's, once per direction. A side that publishes its sequence does so with a full
// fence and only then reads the other side's sleeping flag; a side about to sleep sets its flag with a full fence
// and only then re-reads the sequence, and FUTEX_WAIT compares the word and queues the sleeper atomically. So either
// the publisher sees the flag and wakes the sleeper (who is asleep, or about to find the word changed and not
// sleep), or the sleeper sees the new sequence: no wake-up is lost. A flag a hostile client clears or sets costs
// only itself a slower answer: every sleep is a slice of at most MaxSliceMs, after which the sequence is read again.
internal readonly unsafe struct Doorbell
{
    /// <summary>The page's size: it starts at the ring's page-rounded end, <c>RingLayout.TotalSize</c>.</summary>
    public const int Size = 4096;

    /// <summary>Client line: the sequence of the latest request (u32, FUTEX word the server sleeps on).</summary>
    public const int RequestOffset = 0;

    /// <summary>Client line: the request's amount (u32).</summary>
    public const int AmountOffset = 4;

    /// <summary>Client line: the request's wait (u32).</summary>
    public const int WaitOffset = 8;

    /// <summary>Client line: non-zero while the client sleeps (or is about to) on the reply sequence.</summary>
    public const int UserSleepingOffset = 12;

    /// <summary>Client line: the CPU the client rang from (a hint: the server never spins tightly on it).</summary>
    public const int UserCpuOffset = 16;

    /// <summary>Client line: the request's timeout (u32: 0 none, else 1 + microseconds; as the socket's enter request).</summary>
    public const int TimeoutOffset = 20;

    /// <summary>Server line: the sequence of the latest request answered (u32, the client sleeps on it).</summary>
    public const int ReplyOffset = 64;

    /// <summary>Server line: SQEs the answered enter consumed (u32).</summary>
    public const int ConsumedOffset = 68;

    /// <summary>Server line: the answered enter's errno (i32, 0 for OK).</summary>
    public const int ErrnoOffset = 72;

    /// <summary>Server line: non-zero while the server sleeps (or is about to) on the request sequence.</summary>
    public const int KernelSleepingOffset = 76;

    /// <summary>Server line: the CPU the server answered from (a hint, as the client's).</summary>
    public const int KernelCpuOffset = 80;

    /// <summary>From a sequence word to the CPU hint of the same line (the same for both lines).</summary>
    private const int CpuAfterSequence = UserCpuOffset - RequestOffset;

    /// <summary>The first sleep of a wait: after it a side reads the sequence again and asks if its partner is gone.</summary>
    public const int SliceMs = 20;

    /// <summary>
    /// The longest sleep: each quiet slice doubles the next, so an idle session costs its server a few wake-ups a
    /// second rather than fifty, and a partner that died unannounced is still noticed within a quarter second.
    /// </summary>
    public const int MaxSliceMs = 250;

    private static long s_stalls;

    /// <summary>Doorbell waits in this process whose spin ran out and slept on the futex (the handoff stall metric).</summary>
    public static long Stalls => Volatile.Read(ref s_stalls); // Volatile.Read: fresh for an observer

    private readonly byte* _page;

    /// <summary>The doorbell at <paramref name="page"/>, which must stay mapped while this is used.</summary>
    public Doorbell(byte* page) => _page = page;

    public int* Request => (int*)(_page + RequestOffset);

    public uint* Amount => (uint*)(_page + AmountOffset);

    public uint* Wait => (uint*)(_page + WaitOffset);

    public uint* Timeout => (uint*)(_page + TimeoutOffset);

    public int* UserSleeping => (int*)(_page + UserSleepingOffset);

    public int* Reply => (int*)(_page + ReplyOffset);

    public uint* Consumed => (uint*)(_page + ConsumedOffset);

    public int* Errno => (int*)(_page + ErrnoOffset);

    public int* KernelSleeping => (int*)(_page + KernelSleepingOffset);

    /// <summary>
    /// Publishes <paramref name="sequence"/> in <paramref name="word"/> and wakes the partner if it announced sleep
    /// in <paramref name="partnerSleeping"/>. Whatever was written before this call is visible to the partner once
    /// it sees the sequence.
    /// </summary>
    public static void Ring(int* word, int sequence, int* partnerSleeping)
    {
        // Unsafe: our own line; a plain store, published by the fence below, travelling with the sequence for free.
        *(int*)((byte*)word + CpuAfterSequence) = Thread.GetCurrentProcessorId();

        // Interlocked: a full fence — releases what was written before (the request or the answer) with the
        // sequence, and keeps the read of the partner's flag below from moving above the store (Dekker).
        Interlocked.Exchange(ref *word, sequence);

        // Volatile.Read: the partner's flag, read after our store is visible; set → it sleeps or is about to.
        if (Volatile.Read(ref *partnerSleeping) != 0)
        {
            Futex.WakeOne(word);
        }
    }

    /// <summary>
    /// Waits while <c>*word == seen</c>: spins within <paramref name="budget"/> while spinning pays (see
    /// <see cref="SpinBudget"/>: a follower, which passes <paramref name="partnerSleeping"/>, does not spin while its
    /// partner announced sleep there), then announces sleep in <paramref name="sleeping"/> and sleeps on the word in
    /// slices (20 ms, doubling up to 250 ms); before each sleep it asks <paramref name="gone"/> whether the partner went
    /// away. True once the word moved, false when the partner is gone.
    /// </summary>
    public static bool AwaitChange<TState>(
        int* word, int seen, int* sleeping, int* partnerSleeping, ref SpinBudget budget, Func<TState, bool> gone, TState state)
    {
        // Volatile.Read (both): the partner's CPU as it rang last and, for a follower, its sleeping flag — hints: a
        // lie only slows the liar.
        var partnerCpu = Volatile.Read(ref *(int*)((byte*)word + CpuAfterSequence));
        var partnerAsleep = partnerSleeping != null && Volatile.Read(ref *partnerSleeping) != 0;

        // Unsafe: the word lies on the page, which the caller keeps mapped while it waits.
        if (budget.Spin(ref *word, seen, partnerCpu, partnerAsleep))
        {
            return true;
        }

        Interlocked.Increment(ref s_stalls); // the spin ran out: this wait sleeps. Interlocked: any waiting thread
        var slice = SliceMs;
        try
        {
            while (true)
            {
                // Interlocked: announce the sleep with a full fence, then re-read the word (Dekker, see Ring).
                Interlocked.Exchange(ref *sleeping, 1);

                // Volatile.Read: acquire — what the partner wrote before its sequence is visible once we see it.
                if (Volatile.Read(ref *word) != seen)
                {
                    return true;
                }

                if (gone(state))
                {
                    return false;
                }

                Futex.Wait(word, seen, slice);
                slice = Math.Min(2 * slice, MaxSliceMs);

                // Volatile.Read: acquire, as above; woken, timed out or interrupted, the word is the only truth.
                if (Volatile.Read(ref *word) != seen)
                {
                    return true;
                }
            }
        }
        finally
        {
            // Volatile.Write: awake again; the partner pays for no wake syscall until we announce the next sleep.
            Volatile.Write(ref *sleeping, 0);
        }
    }
}
