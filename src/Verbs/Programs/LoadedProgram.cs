using VerbRing.Registers;
using VerbRing.Verbs.Time;

namespace VerbRing.Verbs.Programs;

/// <summary>
/// A linked program placed in one ring: its image reserved in user memory and its SQEs relocated there, once.
/// Each <see cref="Run"/> restores the image and the <c>set</c> registers, submits whole chains in as few enters
/// as the SQ allows (a chain is never split across enters), and reaps until every step has completed — a quiet
/// step (SKIP_SUCCESS) counts as completed once a later CQE of its chain proves it succeeded (<see cref="QuietSteps"/>).
/// </summary>
public sealed partial class LoadedProgram
{
    private readonly IoRing _ring;
    private readonly UserBuffer _image;
    private readonly Sqe[] _sqes;
    private readonly QuietSteps? _quiet;

    internal LoadedProgram(LinkedProgram program, IoRing ring, UserBuffer image, Sqe[] sqes)
    {
        var longest = program.Chains.Count == 0 ? 0 : program.Chains.Max(c => c.Count);
        if (longest > ring.Layout.SqEntries)
        {
            throw new InvalidOperationException($"A chain of {longest} steps cannot run on a ring whose SQ holds {ring.Layout.SqEntries}.");
        }

        Program = program;
        _ring = ring;
        _image = image;
        _sqes = sqes;
        _quiet = QuietSteps.For(program);
    }

    /// <summary>The program.</summary>
    public LinkedProgram Program { get; }

    /// <summary>The user-space address of the image (where its first symbol lies).</summary>
    public ulong ImageAddress => _image.Address;

    /// <summary>The SQEs as they are submitted to this ring.</summary>
    public ReadOnlySpan<Sqe> Sqes => _sqes;

    /// <summary>The user-space address of <paramref name="symbol"/> in this ring.</summary>
    public ulong AddressOf(string symbol) =>
        _image.Address + (Program.Symbols.FirstOrDefault(s => s.Name == symbol) ?? throw new ArgumentException($"No symbol '{symbol}'.", nameof(symbol))).Offset;

    /// <summary>
    /// How long after its deadline <see cref="Run"/> may still take: cancelling what is left and reaping it, and — on
    /// a server that stopped answering — the client's wait for an answer (at most 1 s past the enter's timeout, then
    /// the server counts as gone). Measured on the wall clock; on a <see cref="ISteppableClock"/> no time passes.
    /// </summary>
    public static TimeSpan DeadlineSlack { get; } = TimeSpan.FromSeconds(7);

    /// <summary>
    /// Runs the program once and collects every completion. Steps still missing when <paramref name="timeout"/>
    /// has passed (measured on <paramref name="time"/>) are cancelled and reported in
    /// <see cref="ProgramRun.MissingSteps"/>; the run returns by then plus <see cref="DeadlineSlack"/>, whatever the
    /// kernel does. On a <see cref="ISteppableClock"/> the run never blocks: when nothing else moves, it steps the
    /// clock to the next timer.
    /// </summary>
    public ProgramRun Run(TimeSpan? timeout = null, TimeProvider? time = null)
    {
        time ??= TimeProvider.System;
        var deadline = time.GetTimestamp() + (long)((timeout ?? TimeSpan.FromSeconds(10)).TotalSeconds * time.TimestampFrequency);
        Program.Image.CopyTo(_image.Span);
        foreach (var set in Program.Source.Sets)
        {
            _ring.Registers[set.Register.Index] = set.Value;
        }

        var byStep = new Cqe?[_sqes.Length];
        var matcher = Program.NewMatcher();
        var order = new List<StepCompletion>(_sqes.Length);
        var stray = new List<Cqe>();
        _quiet?.Reset();
        var enters = 0;
        var nextChain = 0;
        while (order.Count + Quiet < _sqes.Length)
        {
            while (nextChain < Program.Chains.Count && Program.Chains[nextChain].Count <= _ring.SqSpace)
            {
                var (start, count) = Program.Chains[nextChain++];
                for (var i = start; i < start + count; i++)
                {
                    _ring.Push(_sqes[i]);
                }
            }

            // Every enter carries the time left, so that a server that stops answering cannot hold the run past it.
            var entered = _ring.Enter(_ring.SqPending, 0, Remaining(time, deadline));
            enters++;
            var progressed = entered.Consumed > 0;
            progressed |= Reap(matcher, byStep, order, stray);
            if (IsGone(entered.Error))
            {
                break;
            }

            if (progressed || order.Count + Quiet == _sqes.Length)
            {
                continue;
            }

            // Nothing moved: wait for time to pass (or step it), until the deadline.
            if (time is ISteppableClock clock)
            {
                if (!clock.TryAdvanceToNextTimer(deadline))
                {
                    break;
                }

                Reap(matcher, byStep, order, stray);
                continue;
            }

            // Blocks until a completion arrives or the time left (or the ring's enter timeout) passes.
            var inTime = time.GetTimestamp() < deadline;
            var waited = inTime ? _ring.Enter(0, 1, Remaining(time, deadline)) : new EnterResult(0, Errno.ETIMEDOUT);
            enters += inTime ? 1 : 0;
            if (!Reap(matcher, byStep, order, stray) && (waited.Error == Errno.ETIMEDOUT || IsGone(waited.Error) || time.GetTimestamp() >= deadline))
            {
                break;
            }
        }

        var missing = Enumerable.Range(0, _sqes.Length).Where(i => byStep[i] is null && _quiet?.IsQuiet(i) != true).ToList();
        var registers = _ring.Registers.ToArray();
        CancelLeftovers([.. missing.Select(m => _sqes[m].Data).Distinct()], stray);
        return new ProgramRun(Program, order, registers, missing, stray, _quiet?.Steps ?? []) { Enters = enters };
    }

    private int Quiet => _quiet?.Count ?? 0;

    /// <summary>The time left until <paramref name="deadline"/> on <paramref name="time"/>, never negative.</summary>
    private static TimeSpan Remaining(TimeProvider time, long deadline)
    {
        var left = deadline - time.GetTimestamp();
        return left <= 0 ? TimeSpan.Zero : TimeSpan.FromSeconds((double)left / time.TimestampFrequency);
    }

    /// <summary>Whether an enter's error means the ring can do nothing more (torn down, or its server gone).</summary>
    private static bool IsGone(Errno error) => error is Errno.EPIPE or Errno.EINVAL or Errno.ECANCELED;

    /// <summary>
    /// Cancels the steps still missing at the deadline (CANCEL ALL by tag; the CANCELs carry tags the program does
    /// not use) and reaps until they have completed, so that nothing of this run is left in the ring. A CANCEL is
    /// always consumed and completes at once, so this ends after a few enters; it stops early when the ring is
    /// gone, and after a few rounds in which nothing moved (a server that stopped answering gives up on its own).
    /// </summary>
    private void CancelLeftovers(List<ulong> missingTags, List<Cqe> stray)
    {
        const int IdleRounds = 2;
        var tag = ulong.MaxValue;
        var next = 0;
        for (var idle = 0; idle < IdleRounds;)
        {
            while (next < missingTags.Count && _ring.SqSpace > 0)
            {
                while (Program.HasTag(tag))
                {
                    tag--;
                }

                _ring.Push(VerbRing.Verbs.Sqes.Cancel(missingTags[next++], (ulong)CancelMode.All, data: tag--));
            }

            // A zero timeout: the enter never waits (wait is 0), and a silent server is given up on soonest.
            var entered = _ring.Enter(_ring.SqPending, 0, TimeSpan.Zero);
            var popped = Drain(stray);
            if (IsGone(entered.Error))
            {
                return;
            }

            idle = entered.Consumed == 0 && !popped ? idle + 1 : 0;
        }
    }

    private bool Drain(List<Cqe> stray)
    {
        var any = false;
        while (_ring.TryPop(out var cqe))
        {
            stray.Add(cqe);
            any = true;
        }

        return any;
    }

    private bool Reap(StepMatcher matcher, Cqe?[] byStep, List<StepCompletion> order, List<Cqe> stray)
    {
        var any = false;
        while (_ring.TryPop(out var cqe))
        {
            any = true;
            if (matcher.Match(cqe.Data, cqe.Op) is { } step)
            {
                byStep[step] = cqe;
                order.Add(new StepCompletion(step, cqe));
                _quiet?.Posted(step, byStep);
            }
            else
            {
                stray.Add(cqe);
            }
        }

        return any;
    }
}

/// <summary>One step's completion.</summary>
/// <param name="Step">The step's 0-based index.</param>
/// <param name="Cqe">Its CQE.</param>
public readonly record struct StepCompletion(int Step, Cqe Cqe)
{
    /// <summary>OK or the errno.</summary>
    public Errno Error => (Errno)Cqe.Error;

    /// <summary>The result (ERR on failure).</summary>
    public ulong Result => Cqe.Result;

    /// <summary>Whether the step succeeded.</summary>
    public bool Succeeded => Cqe.Error == 0;
}

/// <summary>What one run of a program did: completions by step and in CQE order, and the final registers.</summary>
public sealed class ProgramRun
{
    private readonly Dictionary<int, StepCompletion> _byStep;

    internal ProgramRun(LinkedProgram program, List<StepCompletion> completions, ulong[] registers, List<int> missing, List<Cqe> stray, IReadOnlyList<int> quiet)
    {
        Program = program;
        QuietSteps = quiet;
        Completions = completions;
        Registers = registers;
        MissingSteps = missing;
        StrayCompletions = stray;
        _byStep = completions.ToDictionary(c => c.Step);
    }

    /// <summary>The program that ran.</summary>
    public LinkedProgram Program { get; }

    /// <summary>Every completion in the order the CQEs arrived.</summary>
    public IReadOnlyList<StepCompletion> Completions { get; }

    /// <summary>r0–r6 after the last completion.</summary>
    public IReadOnlyList<ulong> Registers { get; }

    /// <summary>
    /// Steps that completed without a CQE: a success under SKIP_SUCCESS (a loop body's included), known from a later
    /// CQE of its chain — in the order they became known.
    /// </summary>
    public IReadOnlyList<int> QuietSteps { get; }

    /// <summary>
    /// How many times the run entered the ring, submitting or waiting — not counting the enters that cancel what was
    /// missing at the deadline. A program whose chains fit the SQ and never wait takes one.
    /// </summary>
    public int Enters { get; init; }

    /// <summary>Steps whose completion never arrived before the deadline.</summary>
    public IReadOnlyList<int> MissingSteps { get; }

    /// <summary>CQEs whose tag belongs to no step of the program (left over from someone else's SQEs).</summary>
    public IReadOnlyList<Cqe> StrayCompletions { get; }

    /// <summary>Whether every step completed (with a CQE, or quietly).</summary>
    public bool IsComplete => MissingSteps.Count == 0;

    /// <summary>Step <paramref name="step"/>'s completion; throws if it is missing.</summary>
    public StepCompletion Step(int step) =>
        _byStep.TryGetValue(step, out var completion) ? completion : throw new KeyNotFoundException($"Step {step} did not complete.");

    /// <summary>A register by name, "r0"–"r6".</summary>
    public ulong Register(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name.Length == 2 && name[0] is 'r' or 'R' && name[1] is >= '0' and <= '6'
            ? Registers[name[1] - '0']
            : throw new ArgumentException($"'{name}' is not a register (r0–r6).", nameof(name));
    }

    /// <summary>A register.</summary>
    public ulong Register(Reg register) => Registers[register.Index];
}
