namespace VerbRing.Tooling.Fuzzing.Coverage;

/// <summary>
/// A broken invariant in a coverage-guided fuzz target. Thrown, not returned: an exception out of the target is what
/// SharpFuzz (under AFL++ or libFuzzer) records as a crash, together with the input that caused it.
/// </summary>
#pragma warning disable CA1032 // Only the targets make one, always with a message.
internal sealed class CoverageFinding(string message) : Exception(message);
#pragma warning restore CA1032
