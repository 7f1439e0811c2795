using System.Globalization;
using VerbRing.Registers;
using VerbRing.Verbs;

namespace VerbRing.Tooling.Benchmarking;

/// <summary>
/// The checks the file workloads (<see cref="ChainWorkload"/>, <see cref="CopyWorkload"/>) make of every enter and
/// CQE, so that a benchmark never times a run that did something else: a wrong one throws
/// <see cref="BenchmarkCheckException"/>.
/// </summary>
internal static class WorkloadChecks
{
    /// <summary>The enter succeeded and consumed exactly <paramref name="count"/> SQEs.</summary>
    public static void Entered(EnterResult result, uint count)
    {
        if (result.Error != Errno.OK || result.Consumed != count)
        {
            throw new BenchmarkCheckException($"enter consumed {result.Consumed} of {count}: {result.Error}");
        }
    }

    /// <summary>One SQE as a single call: pushed, entered alone, its CQE checked; returns the result.</summary>
    public static ulong Single(this IoRing ring, in Sqe sqe, Op op, ulong? result = null)
    {
        ring.Push(in sqe);
        Entered(ring.Enter(1, 1), 1);
        return ring.ExpectCqe(op, sqe.Data, result);
    }

    /// <summary>
    /// The next CQE is <paramref name="op"/>'s with <paramref name="data"/>, no error and, unless null (a descriptor,
    /// whatever the kernel chose), <paramref name="result"/>; returns its result.
    /// </summary>
    public static ulong ExpectCqe(this IoRing ring, Op op, ulong data, ulong? result)
    {
        if (!ring.TryPop(out var cqe))
        {
            throw new BenchmarkCheckException($"no CQE for {op}");
        }

        if (cqe.Op != (uint)op || cqe.Data != data || cqe.Error != 0 || (result is { } value && cqe.Result != value))
        {
            throw new BenchmarkCheckException(
                $"{op} (data {data}) completed as op {cqe.Op}, data {cqe.Data}, errno {(Errno)cqe.Error}, result {cqe.Result}; expected {result?.ToString(CultureInfo.InvariantCulture) ?? "any result"}");
        }

        return cqe.Result;
    }
}
