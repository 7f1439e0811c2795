using VerbRing.Registers;
using VerbRing.Verbs;
using VerbRing.Verbs.Client;
using VerbRing.Kernel.Tracing;

namespace VerbRing.Kernel.Server;

/// <summary>
/// The server's kernel observer for a client that asked for tracing: writes one <see cref="TraceRecord"/> per
/// completion (loaded arguments, outcome, the first bytes a READ or WRITE moved, read at completion) and one per
/// enter into the trace area the client maps (<see cref="TraceArea"/>). It never blocks and never reads back what it
/// wrote; the one word it reads from the client (how far it read) only decides whether a record fits.
/// </summary>
internal sealed unsafe class TraceShipper : IRingObserver
{
    private readonly byte* _area;
    private readonly uint _capacity;
    private readonly RingRegion _region;
    private readonly TimeProvider _time;
    private readonly long _origin;
    private readonly Lock _sync = new(); // the kernel (completions, under its lock) and the session (enters) both write
    private uint _written;
    private uint _dropped;

    /// <summary>Lays out the header of the area at <paramref name="area"/> (zeroed, mapped as long as the kernel lives).</summary>
    public TraceShipper(byte* area, uint sqEntries, uint cqEntries, RingRegion region, TimeProvider time)
    {
        _area = area;
        _capacity = TraceArea.Capacity(sqEntries, cqEntries);
        _region = region;
        _time = time;
        _origin = time.GetTimestamp();

        // Unsafe: header words of the area, written before the client gets the memory (the setup reply follows).
        *(uint*)(area + TraceArea.MagicOffset) = TraceArea.Magic;
        *(uint*)(area + TraceArea.RecordSizeOffset) = TraceRecord.Size;
        *(uint*)(area + TraceArea.CapacityOffset) = _capacity;
    }

    /// <summary>Now, in nanoseconds since the ring was set up, on the kernel's clock.</summary>
    public ulong Now() => (ulong)(_time.GetElapsedTime(_origin).Ticks * 100);

    /// <inheritdoc />
    public void OnCompleted(in TracedOperation operation)
    {
        var record = new TraceRecord
        {
            Kind = TraceRecordKind.Completion,
            OpOrAmount = operation.Op,
            DataOrCounts = operation.Data,
            Time = Now(),
            ResultOrEnd = operation.Result,
            Outcome = (uint)operation.Outcome,
            Error = (int)operation.Error,
        };
        record.Args[0] = operation.Arg0;
        record.Args[1] = operation.Arg1;
        record.Args[2] = operation.Arg2;
        record.Args[3] = operation.Arg3;
        record.Args[4] = operation.Arg4;
        if (operation.Error == Errno.OK && operation.Op is (uint)Op.Read or (uint)Op.Write)
        {
            var bytes = TraceRecorder.Preview(_region, operation.Arg1, Math.Min(operation.Result, TraceRecord.PreviewLength));
            bytes.CopyTo(new Span<byte>(record.Bytes, TraceRecord.PreviewLength));
            record.ByteCount = (uint)bytes.Length;
        }

        Write(in record);
    }

    /// <summary>Records an enter that began at <paramref name="began"/> (see <see cref="Now"/>) and returned just now.</summary>
    public void OnEntered(uint amount, uint wait, EnterResult result, ulong began)
    {
        var record = new TraceRecord
        {
            Kind = TraceRecordKind.Enter,
            OpOrAmount = amount,
            DataOrCounts = wait | ((ulong)result.Consumed << 32),
            Time = began,
            ResultOrEnd = Math.Max(began, Now()),
            Error = (int)result.Error,
        };
        Write(in record);
    }

    private void Write(in TraceRecord record)
    {
        lock (_sync)
        {
            // Volatile.Read: the client's word, read once; nonsense there makes the ring look full, to its own loss.
            var read = Volatile.Read(ref *(uint*)(_area + TraceArea.ReadOffset));
            if (unchecked(_written - read) >= _capacity)
            {
                _dropped++;

                // Volatile.Write: the drop count the client reads after its next enter.
                Volatile.Write(ref *(uint*)(_area + TraceArea.DroppedOffset), _dropped);
                return;
            }

            var slot = _written & (_capacity - 1);

            // Unsafe: slot < capacity, so the record lies inside the area; a plain copy, published below.
            *(TraceRecord*)(_area + TraceArea.HeaderSize + ((long)slot * TraceRecord.Size)) = record;
            _written++;

            // Volatile.Write: release — the record above is complete before the client can count it.
            Volatile.Write(ref *(uint*)(_area + TraceArea.WrittenOffset), _written);
        }
    }
}
