namespace VerbRing.Verbs.Programs;

/// <summary>
/// The two sizes of a ring that bound a program, which the verifier and linker check it against. Not the ring's byte
/// layout (<see cref="Registers.RingLayout"/>) nor everything its creator chooses (the kernel's <c>RingOptions</c>).
/// </summary>
/// <param name="SqEntries">SQ entries: no chain may be longer (a chain never spans enters).</param>
/// <param name="UserMemorySize">User memory: every buffer and data must fit.</param>
public sealed record RingCapacity(uint SqEntries = 64, uint UserMemorySize = 64 * 1024);
