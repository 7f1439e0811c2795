namespace VerbRing.Kernel;

/// <summary>
/// How many bytes rings may add to host files, all told: each WRITE that grows a host file (past its end, holes
/// included) is charged before it writes, and what the budget cannot pay is cut off — the write completes with
/// ENOSPC and the count it did write. Bytes are never refunded (a TRUNCATE does not give them back): the budget
/// bounds what a ring can ever make the host store. One budget may be shared: every ring whose
/// <see cref="RingPolicy"/> names the same instance draws on it, as every client of a server does. Thread-safe.
/// </summary>
public sealed class HostBytesBudget
{
    private long _used;

    /// <summary>A budget of <paramref name="limit"/> bytes.</summary>
    public HostBytesBudget(long limit)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        Limit = limit;
    }

    /// <summary>The bytes that may be added in all.</summary>
    public long Limit { get; }

    /// <summary>The bytes added so far.</summary>
    public long Used => Volatile.Read(ref _used); // read by observers on other threads

    /// <summary>Takes up to <paramref name="bytes"/> from what is left; returns how many it took.</summary>
    internal long Reserve(long bytes)
    {
        if (bytes <= 0)
        {
            return 0;
        }

        while (true)
        {
            var used = Volatile.Read(ref _used); // a snapshot; the exchange below decides
            var granted = Math.Min(bytes, Limit - used);
            if (granted <= 0)
            {
                return 0;
            }

            // Publishes the reservation only if no other writer changed the total since the snapshot.
            if (Interlocked.CompareExchange(ref _used, used + granted, used) == used)
            {
                return granted;
            }
        }
    }

    /// <summary>Gives back bytes reserved but not written.</summary>
    internal void Return(long bytes)
    {
        if (bytes > 0)
        {
            Interlocked.Add(ref _used, -bytes); // atomic against concurrent reservations on other rings
        }
    }
}
