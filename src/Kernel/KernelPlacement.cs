using VerbRing.Kernel.Server;

namespace VerbRing.Kernel;

/// <summary>
/// Where a ring's kernel runs — the one name for "which kernel" that <see cref="RingOptions"/>, the Cli's
/// <c>--kernel</c> (<c>in-process</c>, <c>kernel-thread</c>, <c>server</c>), the fuzzer, the benchmarks and the contract
/// tests share. The values are stable: the fuzzer picks a round's kernel as its seed mod 3.
/// </summary>
public enum KernelPlacement
{
    /// <summary>Inside enter, on the calling thread: enter is a method call.</summary>
    InProcess = 0,

    /// <summary>On a kernel thread of its own (like io_uring's SQPOLL): enter crosses a thread boundary through a doorbell.</summary>
    KernelThread = 1,

    /// <summary>
    /// In a <see cref="RingServer"/> (a <c>verbring serve</c> process, or one hosted in this one): enter crosses a Unix
    /// socket and the ring is a shared file. <see cref="RingFactory"/> does not make such rings; a client connects.
    /// </summary>
    Server = 2,
}
