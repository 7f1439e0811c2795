using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace VerbRing.Registers;

/// <summary>
/// The ABI's cold throws, kept out of the accessors the interpreter inlines into every SQE (a register load or save,
/// an argument read, a flags word composed): the check stays inline, the throw and its message here.
/// </summary>
internal static class ThrowHelper
{
    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void ThrowRegisterOutOfRange(int index) =>
        throw new ArgumentOutOfRangeException(nameof(index), index, "Registers are r0–r6.");

    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static ulong ThrowArgumentIndexOutOfRange(int index) =>
        throw new ArgumentOutOfRangeException(nameof(index), index, "SQE arguments are 0–4.");

    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static uint ThrowSpecifierOutOfRange(byte register) =>
        throw new ArgumentOutOfRangeException(nameof(register), register, "A specifier is 0–6 or 7 (none).");

    /// <summary>
    /// A view of a ring's region (<paramref name="what"/>: its registers, its user memory) used after the ring's
    /// Dispose: named for the ring, as <c>ObjectDisposedException.ThrowIf(…, ring)</c> names it.
    /// </summary>
    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void ThrowRingDisposed(string what) =>
        throw new ObjectDisposedException("VerbRing.Verbs.IoRing", $"The ring was disposed: its {what} went with its region.");
}
