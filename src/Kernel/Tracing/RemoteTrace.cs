using VerbRing.Registers;
using VerbRing.Verbs;
using VerbRing.Verbs.Programs;

namespace VerbRing.Kernel.Tracing;

/// <summary>
/// Rebuilds the trace of a run on a kernel in another process (a server) from what the client knows: the SQEs it
/// pushed, the CQEs, the <c>set</c> registers and user memory after the run. No kernel observer reaches across the
/// socket, so three things are reconstructed, and say so where they cannot be: a register load's value (known when
/// one step alone saves that register, or none does); whether an ECANCELED step ran (it did unless its link
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

    /// <summary>What a step's register loads read, where the client can tell.</summary>
    private sealed class Registers
    {
        private readonly int[] _savers = [.. Enumerable.Repeat(-1, SqeFlags.RegNone)]; // by register: its one saver, -1 none, -2 several
        private readonly ulong[] _initial = new ulong[SqeFlags.RegNone];
        private readonly ulong?[] _results;

        public Registers(LinkedProgram program, ReadOnlySpan<Sqe> sqes, ulong?[] results)
        {
            _results = results;
            foreach (var set in program.Source.Sets)
            {
                _initial[set.Register.Index] = set.Value;
            }

            for (var i = 0; i < sqes.Length; i++)
            {
                var register = SqeFlags.SaveOf(sqes[i].Flags);
                if (register != SqeFlags.RegNone)
                {
                    _savers[register] = _savers[register] == -1 ? i : -2;
                }
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

        /// <summary>
        /// What <paramref name="register"/> held when <paramref name="step"/> loaded it: the <c>set</c> value when no step
        /// saves it; the result of its one saver when that is an earlier step that completed (the verifier orders such
        /// a save before the load); otherwise unknown.
        /// </summary>
        private ulong? ValueAt(int register, int step) => _savers[register] switch
        {
            -1 => _initial[register],
            >= 0 and var saver when saver < step => _results[saver],
            _ => null,
        };
    }
}
