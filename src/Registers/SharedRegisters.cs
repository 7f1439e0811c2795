namespace VerbRing.Registers;

/// <summary>
/// The seven shared 64-bit registers in the control area, as the kernel addresses them for as long as it serves the
/// ring. Reads are acquire and writes release, as PatchworkOS does with its atomic <c>regs[]</c>: a value saved
/// before a CQE is published is seen by whoever sees the CQE. User space reaches them through a
/// <see cref="RegisterFile"/>, which refuses once its ring is disposed; this view has no such check, because the
/// kernel is done with the region before anyone frees it.
/// </summary>
internal sealed unsafe class SharedRegisters
{
    private readonly ulong* _regs;

    internal SharedRegisters(byte* regs) => _regs = (ulong*)regs;

    /// <summary>Register <paramref name="index"/> (0–6).</summary>
    public ulong this[int index]
    {
        // Volatile.Read: acquire, pairs with the release in the setter on another thread or process.
        get => Volatile.Read(ref _regs[Check(index)]);

        // Volatile.Write: release, so everything written before the save is visible to whoever loads it.
        set => Volatile.Write(ref _regs[Check(index)], value);
    }

    // The throw lives in ThrowHelper so that this check inlines into every load and save of the interpreter.
    private static int Check(int index)
    {
        if ((uint)index >= RegisterFile.Count)
        {
            ThrowHelper.ThrowRegisterOutOfRange(index);
        }

        return index;
    }
}
