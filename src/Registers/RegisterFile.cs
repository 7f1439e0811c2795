namespace VerbRing.Registers;

/// <summary>
/// User space's view of the seven shared 64-bit registers in the control area. Reads are acquire and writes release,
/// as PatchworkOS does with its atomic <c>regs[]</c>: a value saved before a CQE is published is seen by whoever
/// sees the CQE. The view belongs to one ring: once that ring is disposed every member throws
/// <see cref="ObjectDisposedException"/> instead of touching the freed region, this object included if it was taken
/// before the Dispose.
/// </summary>
public sealed class RegisterFile
{
    /// <summary>How many registers there are.</summary>
    public const int Count = 7;

    private readonly SharedRegisters _registers;
    private readonly RegionGuard _guard;

    internal RegisterFile(SharedRegisters registers, RegionGuard guard)
    {
        _registers = registers;
        _guard = guard;
    }

    /// <summary>Register <paramref name="index"/> (0–6).</summary>
    /// <exception cref="ObjectDisposedException">The ring was disposed.</exception>
    public ulong this[int index]
    {
        get
        {
            ThrowIfDisposed();
            return _registers[index];
        }

        set
        {
            ThrowIfDisposed();
            _registers[index] = value;
        }
    }

    /// <summary>Copies all seven registers out.</summary>
    /// <exception cref="ObjectDisposedException">The ring was disposed.</exception>
    public ulong[] ToArray()
    {
        ThrowIfDisposed();
        var values = new ulong[Count];
        for (var i = 0; i < Count; i++)
        {
            values[i] = _registers[i];
        }

        return values;
    }

    private void ThrowIfDisposed() => _guard.ThrowIfClosed("registers");
}
