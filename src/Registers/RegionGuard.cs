using System.Runtime.CompilerServices;

namespace VerbRing.Registers;

/// <summary>
/// Whether user space may still touch one ring's region: shared by the ring's views (<see cref="RegisterFile"/>,
/// <c>UserMemory</c>, every <c>UserBuffer</c>), closed once by the ring's Dispose before the region is freed, so a
/// view taken before the Dispose refuses after it. One predictable branch on a field per access; no lock, so a
/// Dispose racing an access on another thread is not covered (the ring has one user-space thread at a time).
/// </summary>
internal sealed class RegionGuard
{
    private int _closed;

    /// <summary>From now on <see cref="ThrowIfClosed"/> throws.</summary>
    public void Close() =>

        // Volatile.Write: release; a later access on any thread that reads the flag refuses.
        Volatile.Write(ref _closed, 1);

    /// <summary>Throws <see cref="ObjectDisposedException"/> once <see cref="Close"/> ran; <paramref name="what"/> names the view.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void ThrowIfClosed(string what)
    {
        // Volatile.Read: not hoisted out of a caller's loop, so the next access after a Dispose sees it.
        if (Volatile.Read(ref _closed) != 0)
        {
            ThrowHelper.ThrowRingDisposed(what);
        }
    }
}
