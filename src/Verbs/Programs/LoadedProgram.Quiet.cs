using VerbRing.Registers;

namespace VerbRing.Verbs.Programs;

/// <summary>How the runner learns that a quiet step (SKIP_SUCCESS, a loop's body) completed: from a later CQE.</summary>
public sealed partial class LoadedProgram
{
    /// <summary>
    /// Infers the completion of steps that post no CQE on success. A chain posts in chain order, and a quiet step
    /// that failed would have posted, so a CQE of a chain proves that every earlier quiet step of it succeeded —
    /// except a loop whose body holds that CQE's step (it posts after its body), and a loop's own CQE proves its
    /// whole body done (spec/semantics.md, "Quiet successes" and "Loops").
    /// </summary>
    private sealed class QuietSteps
    {
        private readonly LinkedProgram _program;
        private readonly int[] _chainStart; // by step: the first step of its chain
        private readonly int[] _frontier; // by chain start: every step before this one is known done
        private readonly bool[] _quiet;
        private readonly List<int> _steps = [];

        private QuietSteps(LinkedProgram program)
        {
            _program = program;
            _chainStart = new int[program.Sqes.Length];
            _frontier = new int[program.Sqes.Length];
            _quiet = new bool[program.Sqes.Length];
            foreach (var (start, count) in program.Chains)
            {
                Array.Fill(_chainStart, start, start, count);
            }
        }

        /// <summary>How many steps completed quietly in this run.</summary>
        public int Count => _steps.Count;

        /// <summary>Those steps, in the order they became known.</summary>
        public IReadOnlyList<int> Steps => [.. _steps];

        /// <summary>Null when no step of <paramref name="program"/> can complete quietly (the runner pays nothing).</summary>
        public static QuietSteps? For(LinkedProgram program)
        {
            foreach (var sqe in program.Sqes)
            {
                if (SqeFlags.SkipsSuccess(sqe.Flags) || sqe.Op == (uint)Op.Loop)
                {
                    return new QuietSteps(program);
                }
            }

            return null;
        }

        public bool IsQuiet(int step) => _quiet[step];

        public void Reset()
        {
            Array.Clear(_quiet);
            _steps.Clear();
            foreach (var (start, _) in _program.Chains)
            {
                _frontier[start] = start;
            }
        }

        /// <summary>Step <paramref name="step"/> posted its CQE: what does that prove about the quiet steps before it?</summary>
        public void Posted(int step, Cqe?[] posted)
        {
            var sqes = _program.Sqes;
            var start = _chainStart[step];
            var from = _frontier[start];
            for (var t = from; t < step; t++)
            {
                if (!Done(t, posted) && SqeFlags.SkipsSuccess(sqes[t].Flags) && !Encloses(t, step))
                {
                    MarkQuiet(t);
                }
            }

            if (sqes[step].Op == (uint)Op.Loop)
            {
                var last = Math.Min(step + (long)sqes[step].Arg4, sqes.Length - 1);
                for (var t = step + 1; t <= last && _chainStart[t] == start; t++)
                {
                    if (!Done(t, posted))
                    {
                        MarkQuiet(t);
                    }
                }
            }

            while (from < sqes.Length && _chainStart[from] == start && Done(from, posted))
            {
                from++;
            }

            _frontier[start] = from;
        }

        private bool Encloses(int loop, int step)
        {
            var sqe = _program.Sqes[loop];
            return sqe.Op == (uint)Op.Loop && (ulong)(step - loop) <= sqe.Arg4;
        }

        private bool Done(int step, Cqe?[] posted) => posted[step] is not null || _quiet[step];

        private void MarkQuiet(int step)
        {
            _quiet[step] = true;
            _steps.Add(step);
        }
    }
}
