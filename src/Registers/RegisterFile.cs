namespace VerbRing.Registers;

/// <summary>
/// The seven shared 64-bit registers in the control area. Reads are acquire and writes release, as PatchworkOS
/// does with its atomic <c>regs[]</c>: a value saved before a CQE is published is seen by whoever sees the CQE.
/// </summary>
public sealed unsafe class RegisterFile
{
    /// <summary>How many registers there are.</summary>
    public const int Count = 7;

    private readonly ulong* _regs;

    internal RegisterFile(byte* regs) => _regs = (ulong*)regs;

    /// <summary>Register <paramref name="index"/> (0–6).</summary>
    public ulong this[int index]
    {
        // Volatile.Read: acquire, pairs with the release in the setter on another thread or process.
        get => Volatile.Read(ref _regs[Check(index)]);

        // Volatile.Write: release, so everything written before the save is visible to whoever loads it.
        set => Volatile.Write(ref _regs[Check(index)], value);
    }

    /// <summary>Copies all seven registers out.</summary>
    public ulong[] ToArray()
    {
        var values = new ulong[Count];
        for (var i = 0; i < Count; i++)
        {
            values[i] = this[i];
        }

        return values;
    }

    // The throw lives in ThrowHelper so that this check inlines into every load and save of the interpreter.
    private static int Check(int index)
    {
        if ((uint)index >= Count)
        {
            ThrowHelper.ThrowRegisterOutOfRange(index);
        }

        return index;
    }
}
