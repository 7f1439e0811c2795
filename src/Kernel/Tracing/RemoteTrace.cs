using VerbRing.Registers;
using VerbRing.Verbs;
using VerbRing.Verbs.Programs;

namespace VerbRing.Kernel.Tracing;

/// <summary>
/// Rebuilds the trace of a run on a kernel in another process (a server) from what the client knows: the SQEs it
/// pushed, the CQEs, the <c>set</c> registers and user memory after the run — the fallback when the server shipped no
/// records, or some were lost (a traced server's own records make <see cref="ShippedTrace"/>). Three things are reconstructed, and say so where they cannot be: a register load's value (replayed from
/// the CQEs, see <see cref="Registers"/>); whether an ECANCELED step ran (it did unless its link
/// predecessor had not completed before it, or failed under a soft link); and the bytes a READ or WRITE moved (read
/// back from user memory after the run, not at completion).
/// </summary>
internal static class RemoteTrace
{
    /// <summary>The trace entries of <paramref name="run"/>: its completions, then the late ones of steps cancelled at the deadline.</summary>
    public static List<TraceEntry> Rebuild(LoadedProgram loaded, ProgramRun run, RingRegion region)
    {
        var program = loaded.Program;
        var matcher = program.NewMatcher();
        var ordered = new List<(int Step, Cqe Cqe)>();
        foreach (var cqe in run.Completions.Select(c => c.Cqe).Concat(run.StrayCompletions))
        {
            if (matcher.Match(cqe.Data, cqe.Op) is { } step)
            {
                ordered.Add((step, cqe));
            }
        }

        var results = new ulong?[loaded.Sqes.Length];
        var ranBefore = new bool[loaded.Sqes.Length]; // by step: completed earlier in CQE order, and had run
        var registers = new Registers(program, loaded.Sqes, results);
        var entries = new List<TraceEntry>(ordered.Count);
        foreach (var (step, cqe) in ordered)
        {
            var sqe = loaded.Sqes[step];
            var ran = cqe.Error != (int)Errno.ECANCELED || Dispatched(loaded.Sqes, step, ranBefore, results);
            var operation = new TracedOperation
            {
                Data = cqe.Data,
                Op = cqe.Op,
                Outcome = ran ? TracedOutcome.Ran : TracedOutcome.Cancelled,
                Arg0 = registers.Load(sqe, step, 0, sqe.Arg0),
                Arg1 = registers.Load(sqe, step, 1, sqe.Arg1),
                Arg2 = registers.Load(sqe, step, 2, sqe.Arg2),
                Arg3 = registers.Load(sqe, step, 3, sqe.Arg3),
                Arg4 = registers.Load(sqe, step, 4, sqe.Arg4),
                Error = (Errno)cqe.Error,
                Result = cqe.Result,
            };
            var unresolved = registers.Unresolved(sqe, step);
            var bytes = operation.Error == Errno.OK && operation.Op is (uint)Op.Read or (uint)Op.Write && (unresolved & 0b10) == 0
                ? TraceRecorder.Preview(region, operation.Arg1, Math.Min(operation.Result, TraceRecorder.PreviewLength))
                : [];
            entries.Add(new TraceEntry(operation, bytes, unresolved));
            results[step] = cqe.Result;
            ranBefore[step] = ran;
            registers.Completed(step, cqe.Result);
        }

        return entries;
    }

    /// <summary>
    /// Whether an ECANCELED step was dispatched (then cancelled while it pended) rather than skipped: a chain's head
    /// always is; a member is when its predecessor ran, completed before it, and succeeded or was hardlinked.
    /// </summary>
    private static bool Dispatched(ReadOnlySpan<Sqe> sqes, int step, bool[] ranBefore, ulong?[] results)
    {
        if (step == 0 || !SqeFlags.IsLinked(sqes[step - 1].Flags))
        {
            return true; // a chain's head is dispatched when it is submitted
        }

        var hard = (sqes[step - 1].Flags & SqeFlags.HardLink) != 0;
        return ranBefore[step - 1] && (hard || results[step - 1] != Abi.Err);
    }

    /// <summary>
    /// What a step's register loads read, replayed from the CQEs. A chain's member is dispatched as soon as its
    /// predecessor completed (the kernel saves, publishes, then runs the successor), so it loads the registers as the
    /// CQEs up to its predecessor's left them. A chain's head is dispatched at submission; in a program the verifier
    /// accepted, every save before it in program order has happened by then and none after it has (else a race), so it
    /// loads each register as the nearest earlier step that saves it left it (or as <c>set</c>).
    /// </summary>
    private sealed class Registers
    {
        private readonly Sqe[] _sqes;
        private readonly ulong?[] _results;
        private readonly ulong[] _current = new ulong[SqeFlags.RegNone]; // r0–r6 as the CQEs so far left them
        private readonly ulong[] _initial = new ulong[SqeFlags.RegNone];
        private readonly Dictionary<int, ulong[]> _memberLoads = []; // by member with loads: the registers after its predecessor
        private readonly Dictionary<int, int[]> _headSavers = []; // by head with loads: per register, the nearest earlier saver (-1: none)

        public Registers(LinkedProgram program, ReadOnlySpan<Sqe> sqes, ulong?[] results)
        {
            _sqes = sqes.ToArray();
            _results = results;
            foreach (var set in program.Source.Sets)
            {
                _initial[set.Register.Index] = set.Value;
            }

            _initial.CopyTo(_current, 0);
            var saver = Enumerable.Repeat(-1, SqeFlags.RegNone).ToArray();
            for (var i = 0; i < sqes.Length; i++)
            {
                if (IsHead(i) && (sqes[i].Flags & SqeFlags.AllLoadsMask) != SqeFlags.AllLoadsMask)
                {
                    _headSavers[i] = (int[])saver.Clone();
                }

                var saved = SqeFlags.SaveOf(sqes[i].Flags);
                if (saved != SqeFlags.RegNone)
                {
                    saver[saved] = i;
                }
            }
        }

        /// <summary>Step <paramref name="step"/> completed with <paramref name="result"/>: its save, and what its successor loads.</summary>
        public void Completed(int step, ulong result)
        {
            var saved = SqeFlags.SaveOf(_sqes[step].Flags);
            if (saved != SqeFlags.RegNone)
            {
                _current[saved] = result;
            }

            if (step + 1 < _sqes.Length && !IsHead(step + 1) && (_sqes[step + 1].Flags & SqeFlags.AllLoadsMask) != SqeFlags.AllLoadsMask)
            {
                _memberLoads[step + 1] = (ulong[])_current.Clone();
            }
        }

        /// <summary>Argument <paramref name="arg"/> as the kernel loaded it, or as submitted when that cannot be told.</summary>
        public ulong Load(in Sqe sqe, int step, int arg, ulong immediate)
        {
            var register = SqeFlags.LoadOf(sqe.Flags, arg);
            if (register == SqeFlags.RegNone || ValueAt(register, step) is not { } value)
            {
                return immediate; // no load, or unresolved: the renderer shows the register and its modifier
            }

            return (LoadModifier)immediate switch
            {
                LoadModifier.Low32 => value == Abi.Err ? Abi.Err : (uint)value,
                LoadModifier.High32 => value == Abi.Err ? Abi.Err : value >> 32,
                _ => value,
            };
        }

        /// <summary>The arguments (a bit each) whose register load cannot be told from the client's side.</summary>
        public int Unresolved(in Sqe sqe, int step)
        {
            var mask = 0;
            for (var arg = 0; arg < 5; arg++)
            {
                var register = SqeFlags.LoadOf(sqe.Flags, arg);
                mask |= register != SqeFlags.RegNone && ValueAt(register, step) is null ? 1 << arg : 0;
            }

            return mask;
        }

        private bool IsHead(int step) => step == 0 || !SqeFlags.IsLinked(_sqes[step - 1].Flags);

        /// <summary>What <paramref name="register"/> held when <paramref name="step"/> was dispatched; null when unknown.</summary>
        private ulong? ValueAt(int register, int step)
        {
            if (_memberLoads.TryGetValue(step, out var registers))
            {
                return registers[register];
            }

            return _headSavers.TryGetValue(step, out var savers)
                ? savers[register] < 0 ? _initial[register] : _results[savers[register]]
                : null; // a member whose predecessor never completed: it did not run
        }
    }
}
