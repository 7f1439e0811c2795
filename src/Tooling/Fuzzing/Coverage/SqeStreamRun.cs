namespace VerbRing.Tooling.Fuzzing.Coverage;

/// <summary>What one input of <see cref="SqeStreamTarget"/> did, when every check held.</summary>
/// <param name="Consumed">SQEs the kernel consumed (each completed exactly once, unless the ring wedged).</param>
/// <param name="Enters">Enters made, the drain's included.</param>
/// <param name="Wedged">Whether every slot pended with nothing to free one, so the drain stopped and teardown cancelled the rest.</param>
internal readonly record struct SqeStreamRun(long Consumed, long Enters, bool Wedged);
