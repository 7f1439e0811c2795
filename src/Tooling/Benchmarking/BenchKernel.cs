namespace VerbRing.Tooling.Benchmarking;

/// <summary>The three places a ring's kernel can run, as the benchmarks name them.</summary>
public enum BenchKernel
{
    /// <summary>Enter is a method call on the caller's thread.</summary>
    InProcess,

    /// <summary>Enter is a request to the kernel's own thread through a doorbell.</summary>
    KernelThread,

    /// <summary>Enter crosses into a <c>verbring serve</c> process.</summary>
    Server,
}
