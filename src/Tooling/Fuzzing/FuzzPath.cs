namespace VerbRing.Tooling.Fuzzing;

/// <summary>One path the fuzzer lays out in user memory: where, its bytes, and whether it tries to leave the sandbox.</summary>
/// <param name="Address">Its user-memory address.</param>
/// <param name="Bytes">Its bytes (no terminator).</param>
/// <param name="Escape">
/// An escape attempt: OPEN must refuse it. Absolute ones always; relative ones when resolved from the root (no dirfd).
/// </param>
internal sealed record FuzzPath(ulong Address, byte[] Bytes, bool Escape)
{
    /// <summary>Its length, as OPEN's length argument.</summary>
    public ulong Length => (ulong)Bytes.Length;

    /// <summary>Whether it starts at the root (then no dirfd changes where it leads).</summary>
    public bool Absolute => Bytes.Length > 0 && Bytes[0] == (byte)'/';
}
