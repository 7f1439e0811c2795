namespace VerbRing.Tooling.Benchmarking;

/// <summary>
/// A workload saw a wrong result (a CQE with the wrong errno, value or cookie, a file with the wrong bytes): the
/// benchmark measured something other than its name says, so it fails instead of reporting a time.
/// </summary>
internal sealed class BenchmarkCheckException : Exception
{
    /// <summary>A failed check, described.</summary>
    public BenchmarkCheckException(string message)
        : base(message)
    {
    }

    /// <summary>An empty failure (for serializers).</summary>
    public BenchmarkCheckException()
    {
    }

    /// <summary>A failed check with its cause.</summary>
    public BenchmarkCheckException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
