using VerbRing.Kernel;

namespace VerbRing.Tooling.Fuzzing;

/// <summary>One failing round: its seed (which alone reproduces it), its kernel, and what check failed.</summary>
/// <param name="RoundSeed">The round's seed: <c>verbring fuzz --start-seed RoundSeed --rounds 1</c> runs it again.</param>
/// <param name="Kernel">The kernel the round ran on (chosen by the seed).</param>
/// <param name="Message">What went wrong, after which enter.</param>
internal sealed record FuzzFailure(int RoundSeed, KernelPlacement Kernel, string Message);
