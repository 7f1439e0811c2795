using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace VerbRing.Kernel;

/// <summary>
/// The kernel library's cold throws — misuse of the library by a verb's author, never anything user space wrote into
/// the ring (that is an errno in a CQE) — kept out of the small methods every handler calls.
/// </summary>
internal static class ThrowHelper
{
    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static VerbResult ThrowFailureWithoutErrno(string paramName) =>
        throw new ArgumentOutOfRangeException(paramName, "A failure needs an errno.");
}
