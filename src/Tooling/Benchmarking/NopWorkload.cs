using VerbRing.Registers;
using VerbRing.Verbs;

namespace VerbRing.Tooling.Benchmarking;

/// <summary>
/// NOPs in batches: each round pushes <see cref="Batch"/> NOPs (linked into one chain, or not), enters once for all
/// of them, and pops every CQE, checking its op, errno, result and cookie. What a round costs is the ring's own
/// per-SQE overhead — push, consume, dispatch, complete, pop — with no verb work to hide it.
/// </summary>
internal sealed class NopWorkload
{
    private readonly IoRing _ring;
    private readonly Sqe[] _sqes;

    /// <summary>A workload of <paramref name="batch"/> NOPs per enter on <paramref name="ring"/>.</summary>
    public NopWorkload(IoRing ring, int batch, bool linked)
    {
        ArgumentNullException.ThrowIfNull(ring);
        ArgumentOutOfRangeException.ThrowIfLessThan(batch, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan((uint)batch, ring.Layout.SqEntries, nameof(batch));
        _ring = ring;
        Batch = batch;
        _sqes = new Sqe[batch];
        for (var i = 0; i < batch; i++)
        {
            var link = linked && i < batch - 1 ? SqeLink.Link : SqeLink.None;
            _sqes[i] = Sqes.Nop(link: link, data: (ulong)i + 1);
        }
    }

    /// <summary>NOPs per enter.</summary>
    public int Batch { get; }

    /// <summary>Runs <paramref name="rounds"/> enters of one batch each.</summary>
    public void Run(int rounds)
    {
        for (var round = 0; round < rounds; round++)
        {
            Round();
        }
    }

    /// <summary>One batch: push, one enter, pop and check.</summary>
    public void Round()
    {
        var sqes = _sqes;
        for (var i = 0; i < sqes.Length; i++)
        {
            _ring.Push(in sqes[i]);
        }

        var entered = _ring.Enter((uint)sqes.Length, (uint)sqes.Length);
        if (entered.Error != Errno.OK || entered.Consumed != (uint)sqes.Length)
        {
            throw new BenchmarkCheckException($"enter consumed {entered.Consumed} of {sqes.Length} NOPs: {entered.Error}");
        }

        for (var i = 0; i < sqes.Length; i++)
        {
            if (!_ring.TryPop(out var cqe) || cqe.Op != (uint)Op.Nop || cqe.Error != 0 || cqe.Result != 0 || cqe.Data != sqes[i].Data)
            {
                throw new BenchmarkCheckException($"NOP {i + 1} of {sqes.Length} completed as op {cqe.Op}, errno {(Errno)cqe.Error}, result {cqe.Result}, data {cqe.Data}");
            }
        }
    }
}
