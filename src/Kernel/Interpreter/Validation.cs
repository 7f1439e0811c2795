using System.Runtime.CompilerServices;
using VerbRing.Registers;
using VerbRing.Verbs;

namespace VerbRing.Kernel.Interpreter;

/// <summary>
/// The second step of an SQE's path, between decode and dispatch: what is checked before a verb runs — the flags
/// and the op (EINVAL; DRAIN on a chain member too), the ring's policy (EPERM), then the register loads (EINVAL for an unknown modifier) — and
/// the loads themselves, made at dispatch: after a linked predecessor saved its result, never at submission.
/// </summary>
internal sealed class Validation
{
    private readonly VerbTable _verbs;
    private readonly bool[] _permitted;

    /// <param name="verbs">The dispatch table.</param>
    /// <param name="permitted">The ring's policy, by op code (see <see cref="RingPolicy.PermittedOps"/>).</param>
    /// <param name="registers">The register file loads read (and completions save into).</param>
    public Validation(VerbTable verbs, bool[] permitted, SharedRegisters registers)
    {
        _verbs = verbs;
        _permitted = permitted;
        Registers = registers;
    }

    /// <summary>The ring's register file.</summary>
    public SharedRegisters Registers { get; }

    /// <summary>
    /// Checks <paramref name="sqe"/> and loads its arguments. OK: <paramref name="handler"/> runs with
    /// <paramref name="args"/>. Otherwise the errno it completes with, and how a trace shows it
    /// (<paramref name="outcome"/> Refused or Denied; <paramref name="args"/> then stay unloaded).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Errno Check(ref readonly Sqe sqe, bool member, out IVerbHandler handler, out Arguments args, out TracedOutcome outcome)
    {
        var flags = sqe.Flags;
        outcome = TracedOutcome.Refused;
        args = default;
        handler = null!;
        if ((flags & SqeFlags.ReservedMask) != 0 || _verbs.Find(sqe.Op) is not { } found || (member && SqeFlags.Drains(flags)))
        {
            return Errno.EINVAL;
        }

        // The ring's policy, before anything the verb would touch (registers included) is looked at.
        handler = found;
        if (!_permitted[sqe.Op])
        {
            outcome = TracedOutcome.Denied;
            return Errno.EPERM;
        }

        args = AsSubmitted(in sqe);
        if ((flags & SqeFlags.AllLoadsMask) != SqeFlags.AllLoadsMask && !LoadAll(flags, ref args))
        {
            return Errno.EINVAL; // an unknown load modifier
        }

        outcome = TracedOutcome.Ran;
        return Errno.OK;
    }

    /// <summary>Loads <paramref name="sqe"/>'s registers again (a LOOP's check after an iteration); false: an unknown modifier.</summary>
    public bool Reload(ref readonly Sqe sqe, out Arguments args)
    {
        args = AsSubmitted(in sqe);
        return LoadAll(sqe.Flags, ref args);
    }

    /// <summary>The handler of an operation that passed <see cref="Check"/> (a retry, a timeout).</summary>
    public IVerbHandler HandlerOf(uint op) => _verbs.Find(op)!;

    /// <summary>An SQE's arguments as submitted, before any load (what a trace shows for one that never ran).</summary>
    public static Arguments AsSubmitted(ref readonly Sqe sqe) => new()
    {
        A0 = sqe.Arg0,
        A1 = sqe.Arg1,
        A2 = sqe.Arg2,
        A3 = sqe.Arg3,
        A4 = sqe.Arg4,
    };

    private bool LoadAll(uint flags, ref Arguments args) =>
        Load(flags, 0, ref args.A0) & Load(flags, 1, ref args.A1) & Load(flags, 2, ref args.A2)
        & Load(flags, 3, ref args.A3) & Load(flags, 4, ref args.A4);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool Load(uint flags, int arg, ref ulong value)
    {
        var specifier = SqeFlags.LoadOf(flags, arg);
        if (specifier == SqeFlags.RegNone)
        {
            return true;
        }

        // With a load, the immediate is a modifier: the whole register, or one 32-bit half (a pipe's two fds).
        var register = Registers[specifier];
        switch ((LoadModifier)value)
        {
            case LoadModifier.Whole:
                value = register;
                return true;
            case LoadModifier.Low32:
                value = register == Abi.Err ? Abi.Err : (uint)register;
                return true;
            case LoadModifier.High32:
                value = register == Abi.Err ? Abi.Err : register >> 32;
                return true;
            default:
                return false;
        }
    }
}
