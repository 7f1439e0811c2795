namespace VerbRing.Verbs.Client;

/// <summary>
/// The client's side of the trace area (<see cref="TraceArea"/>): after each enter it copies out what the server wrote
/// since, checks every field of every record, keeps the good ones in order, and tells the server how far it read.
/// Nothing in the area is trusted: a record that fails a check is counted and skipped, a "written" count that ran
/// more than the ring's capacity ahead marks the trace damaged.
/// </summary>
internal sealed unsafe class TraceReader
{
    private readonly byte* _area;
    private readonly uint _capacity;
    private readonly List<TraceRecord> _records = [];
    private readonly Lock _sync = new();
    private uint _read;
    private bool _closed;

    /// <summary>Reads the area at <paramref name="area"/>, which the caller keeps mapped until <see cref="Close"/>.</summary>
    private TraceReader(byte* area, uint capacity)
    {
        _area = area;
        _capacity = capacity;
    }

    /// <summary>Records that failed a check, and were skipped.</summary>
    public int Invalid { get; private set; }

    /// <summary>Whether the server's count of records ran impossibly far ahead (records were lost or made up).</summary>
    public bool Damaged { get; private set; }

    /// <summary>Records the server dropped because the client read too slowly (the server's count, as last read).</summary>
    public uint Dropped { get; private set; }

    /// <summary>Whether every record the server wrote arrived intact.</summary>
    public bool IsComplete
    {
        get
        {
            lock (_sync)
            {
                return Invalid == 0 && !Damaged && Dropped == 0;
            }
        }
    }

    /// <summary>
    /// A reader for the area at <paramref name="area"/> of a ring with these queues, or null when its header is not
    /// what the server promised (magic, record size, capacity).
    /// </summary>
    public static TraceReader? Open(byte* area, uint sqEntries, uint cqEntries)
    {
        var capacity = TraceArea.Capacity(sqEntries, cqEntries);

        // Volatile.Read (each): header words the server wrote before it sent the setup reply.
        return Volatile.Read(ref *(uint*)(area + TraceArea.MagicOffset)) == TraceArea.Magic
            && Volatile.Read(ref *(uint*)(area + TraceArea.RecordSizeOffset)) == TraceRecord.Size
            && Volatile.Read(ref *(uint*)(area + TraceArea.CapacityOffset)) == capacity
            ? new TraceReader(area, capacity) { _read = Volatile.Read(ref *(uint*)(area + TraceArea.WrittenOffset)) }
            : null;
    }

    /// <summary>The good records so far, in the order the server wrote them (a copy).</summary>
    public List<TraceRecord> Records()
    {
        lock (_sync)
        {
            return [.. _records];
        }
    }

    /// <summary>Takes in what the server wrote since the last call.</summary>
    public void Drain()
    {
        lock (_sync)
        {
            if (_closed)
            {
                return;
            }

            // Volatile.Read: acquire — every record below "written" was complete when the server published it.
            var written = Volatile.Read(ref *(uint*)(_area + TraceArea.WrittenOffset));
            var pending = unchecked(written - _read);
            if (pending > _capacity)
            {
                Damaged = true; // the server's count is not one a ring of this capacity can have
                pending = 0;
            }

            for (var i = 0u; i < pending; i++)
            {
                var slot = unchecked(_read + i) & (_capacity - 1);

                // Unsafe: the slot lies inside the mapped area (slot < capacity); one copy, then only the copy is read.
                var record = *(TraceRecord*)(_area + TraceArea.HeaderSize + ((long)slot * TraceRecord.Size));
                if (IsValid(in record))
                {
                    _records.Add(record);
                }
                else
                {
                    Invalid++;
                }
            }

            _read = written;

            // Volatile.Write: release — the slots up to here are read; the server may reuse them.
            Volatile.Write(ref *(uint*)(_area + TraceArea.ReadOffset), _read);

            // Volatile.Read: the server's drop count, a plain counter it only increments.
            Dropped = Volatile.Read(ref *(uint*)(_area + TraceArea.DroppedOffset));
        }
    }

    /// <summary>Reads what is left and lets go of the area: nothing touches it after this (it is about to be unmapped).</summary>
    public void Close()
    {
        Drain();
        lock (_sync)
        {
            _closed = true;
        }
    }

    /// <summary>Whether a record's fields are ones the server can have written.</summary>
    internal static bool IsValid(in TraceRecord record) => record.Kind switch
    {
        TraceRecordKind.Completion => record.Outcome <= 3 && record.ByteCount <= TraceRecord.PreviewLength
            && record.Error is >= 0 and < 4096 && (record.ByteCount == 0 || record.ByteCount <= record.ResultOrEnd),
        TraceRecordKind.Enter => record.Outcome == 0 && record.ByteCount == 0 && record.Error is >= 0 and < 4096
            && (uint)(record.DataOrCounts >> 32) <= record.OpOrAmount && record.ResultOrEnd >= record.Time,
        _ => false,
    };
}
