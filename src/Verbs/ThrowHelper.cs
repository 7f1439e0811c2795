using System.Diagnostics.CodeAnalysis;

namespace VerbRing.Verbs;

/// <summary>Cold throws kept out of the inlined fast paths.</summary>
internal static class ThrowHelper
{
    [DoesNotReturn]
    public static void ThrowSqFull(uint entries) =>
        throw new InvalidOperationException($"The submission queue is full ({entries} entries); enter to drain it first.");
}
