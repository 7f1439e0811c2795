using VerbRing.Registers;
using VerbRing.Verbs;

namespace VerbRing.Tooling.Benchmarking;

/// <summary>
/// A stream of NOPs through one ring, the way a throughput-bound user drives it: keep the SQ full, enter for
/// everything queued, reap whatever has completed, wait only when nothing has. Every CQE must carry the next
/// cookie in order (nothing lost, nothing twice). The ring's size bounds what is in flight, however long the stream.
/// </summary>
internal sealed class StreamWorkload
{
    private readonly IoRing _ring;
    private ulong _next = 1;
    private ulong _expected = 1;

    /// <summary>A stream over <paramref name="ring"/>.</summary>
    public StreamWorkload(IoRing ring) => _ring = ring ?? throw new ArgumentNullException(nameof(ring));

    /// <summary>Pushes <paramref name="count"/> NOPs through the ring and reaps all their CQEs.</summary>
    public void Run(long count)
    {
        var end = _next + (ulong)count;
        while (_expected < end)
        {
            while (_next < end && _ring.TryPush(Sqes.Nop(data: _next)))
            {
                _next++;
            }

            // In flight: pushed and not yet reaped. Wait for one completion only when nothing is ready to reap.
            var wait = _ring.CqUnread == 0 ? 1u : 0u;
            var entered = _ring.Enter(_ring.SqPending, wait);
            if (entered.Error != Errno.OK)
            {
                throw new BenchmarkCheckException($"enter failed with {entered.Error} after {_expected - 1} NOPs");
            }

            while (_ring.TryPop(out var cqe))
            {
                if (cqe.Data != _expected || cqe.Error != 0 || cqe.Op != (uint)Op.Nop)
                {
                    throw new BenchmarkCheckException($"expected NOP {_expected}, got op {cqe.Op} data {cqe.Data} errno {(Errno)cqe.Error}");
                }

                _expected++;
            }
        }
    }
}
