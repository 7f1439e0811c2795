namespace VerbRing.Verbs.Programs;

/// <summary>
/// Checks a program before anything runs. Errors: a register loaded that no earlier step saves and no <c>set</c>
/// defines; a register loaded in one chain and saved by another that can interleave with it (a race); a chain
/// longer than the SQ; a count larger than the buffer it goes with; more user memory than the ring has. Warnings:
/// <c>link</c> on the last step (links never span enters), two steps with one tag, a CANCEL of a tag no step has, no
/// steps at all. Loops, SKIP_SUCCESS and DRAIN have checks of their own (Verifier.Loops.cs).
/// Each check is one pass over the program (or one sort of its tags), so checking is linear in its size.
/// </summary>
public static partial class Verifier
{
    /// <summary>Every finding, in source order.</summary>
    public static List<Diagnostic> Check(ProgramModel program, RingCapacity capacity)
    {
        ArgumentNullException.ThrowIfNull(program);
        ArgumentNullException.ThrowIfNull(capacity);
        var diagnostics = new List<Diagnostic>();
        var chains = Chains(program.Steps);
        CheckRegisters(program, chains, diagnostics);
        CheckChains(program, chains, capacity, diagnostics);
        CheckLoops(program, diagnostics);
        CheckQuietAndDrain(program, chains, diagnostics);
        CheckBuffers(program, diagnostics);
        var tags = TagIndex.Of(program.Steps.Count, i => program.Steps[i].Tag ?? (ulong)i);
        CheckTags(program, tags, diagnostics);
        CheckCancels(program, tags, diagnostics);
        CheckMemory(program, capacity, diagnostics);
        if (program.Steps.Count == 0)
        {
            diagnostics.Add(new Diagnostic(Severity.Warning, new SourceSpan(program.File, 1, 1), "the program has no steps: running it submits nothing"));
        }

        diagnostics.Sort((a, b) => (a.Where.Line, a.Where.Column).CompareTo((b.Where.Line, b.Where.Column)));
        return diagnostics;
    }

    /// <summary>The chains of a program: runs of steps joined by link or hardlink, as index ranges.</summary>
    internal static List<(int Start, int Count)> Chains(IReadOnlyList<ProgramStep> steps)
    {
        ArgumentNullException.ThrowIfNull(steps);
        var chains = new List<(int, int)>();
        var start = 0;
        for (var i = 0; i < steps.Count; i++)
        {
            if (steps[i].Link == SqeLink.None || i == steps.Count - 1)
            {
                chains.Add((start, i - start + 1));
                start = i + 1;
            }
        }

        return chains;
    }

    private static void CheckRegisters(ProgramModel program, List<(int Start, int Count)> chains, List<Diagnostic> diagnostics)
    {
        var savers = RegisterSavers.Of(program.Steps, chains);
        var defined = 0;
        foreach (var set in program.Sets)
        {
            defined |= 1 << set.Register.Index;
        }

        for (var c = 0; c < chains.Count; c++)
        {
            var (start, count) = chains[c];
            var savedInChain = 0;
            var pendedBefore = false; // whether a step of this chain before the current one may pend
            for (var i = start; i < start + count; i++)
            {
                var step = program.Steps[i];

                // A loop loads its registers again before every iteration, after its body may have pended.
                pendedBefore |= step.IsLoop && MayPend(program.Steps, i);
                foreach (var arg in step.Args)
                {
                    if (arg.Kind != OperandKind.Register || arg.Register.IsNone)
                    {
                        continue;
                    }

                    var register = arg.Register;
                    var bit = 1 << register.Index;
                    if (savers.Racing(register.Index, c, pendedBefore) is { } saver)
                    {
                        diagnostics.Add(new Diagnostic(Severity.Error, arg.Where,
                            $"{register} is also saved by another chain ({program.Steps[saver].Where}), and one of the two chains may wait, letting the other run in between: which value this step loads is a race — link the steps into one chain or use another register"));
                    }
                    else if ((savedInChain & bit) == 0 && !savers.SavedBefore(register.Index, c) && (defined & bit) == 0)
                    {
                        diagnostics.Add(new Diagnostic(Severity.Error, arg.Where,
                            $"{register} is loaded here, but no earlier step saves it and no 'set {register}' defines it"));
                    }
                }

                if (!step.Save.IsNone)
                {
                    savedInChain |= 1 << step.Save.Index;
                }

                pendedBefore |= MayPend(program.Steps, i);
            }
        }
    }

    /// <summary>
    /// Whether step <paramref name="index"/> can wait (and so let other chains run in between); a named loop waits
    /// when a step of its body can.
    /// </summary>
    internal static bool MayPend(IReadOnlyList<ProgramStep> steps, int index)
    {
        var step = steps[index];
        if (step.IsLoop && !step.IsRaw)
        {
            var body = BodyOf(steps, index);
            for (var i = index + 1; i <= index + body; i++)
            {
                if (MayPend(steps[i]))
                {
                    return true;
                }
            }

            return false;
        }

        return MayPend(step);
    }

    private static bool MayPend(ProgramStep step) =>
        step.IsRaw
        || step.Verb.Op is (uint)Op.Read or (uint)Op.Write or (uint)Op.Poll
        || (step.Verb.Op == (uint)Op.Nop && !Abi.IsNoTimeout(step.Timeout));

    private static void CheckChains(ProgramModel program, List<(int Start, int Count)> chains, RingCapacity capacity, List<Diagnostic> diagnostics)
    {
        foreach (var (start, count) in chains.Where(c => c.Count > capacity.SqEntries))
        {
            diagnostics.Add(new Diagnostic(Severity.Error, program.Steps[start].Where,
                $"this chain has {count} steps but the SQ holds {capacity.SqEntries}; a chain never spans enters, so it cannot run (split it, or use a larger --sq)"));
        }

        if (program.Steps.Count > 0 && program.Steps[^1] is { Link: not SqeLink.None } last)
        {
            diagnostics.Add(new Diagnostic(Severity.Warning, last.Where,
                $"'{(last.Link == SqeLink.Link ? "link" : "hardlink")}' on the last step links to nothing (links never span enters); it has no effect"));
        }
    }

    private static void CheckBuffers(ProgramModel program, List<Diagnostic> diagnostics)
    {
        foreach (var step in program.Steps.Where(s => !s.IsRaw))
        {
            var buffer = step.Verb.Params.FirstOrDefault(p => p.Kind == ParamKind.Buffer);
            var count = step.Verb.Params.FirstOrDefault(p => p.Kind == ParamKind.Count);
            if (buffer is null || count is null || step.Args[buffer.Arg] is not { Kind: OperandKind.Address, Symbol: { } name }
                || program.FindSymbol(name) is not { } symbol)
            {
                continue;
            }

            var countArg = step.Args[count.Arg];
            var bytes = countArg.Kind switch
            {
                OperandKind.Immediate => countArg.Value,
                OperandKind.Length when program.FindSymbol(countArg.Symbol!) is { } other => other.Size,
                _ => (ulong?)null,
            };
            if (bytes > symbol.Size)
            {
                diagnostics.Add(new Diagnostic(Severity.Error, countArg.Where,
                    $"{step.Verb.Name} moves {bytes} bytes but '{(symbol.IsLiteral ? "the string" : symbol.Name)}' holds {symbol.Size}"));
            }
        }
    }

    private static void CheckTags(ProgramModel program, TagIndex tags, List<Diagnostic> diagnostics)
    {
        for (var position = 1; position < tags.Count; position++)
        {
            var (tag, step) = tags.At(position);
            if (tags.At(position - 1).Tag != tag)
            {
                continue;
            }

            var first = tags.At(tags.First(tag)).Step;
            diagnostics.Add(new Diagnostic(Severity.Warning, program.Steps[step].Where,
                $"tag {tag} is also the tag of step {first} ({program.Steps[first].Where}); one CANCEL reaches both, and a completion is matched to the oldest step of its verb with that tag not yet completed"));
        }
    }

    private static void CheckCancels(ProgramModel program, TagIndex tags, List<Diagnostic> diagnostics)
    {
        foreach (var step in program.Steps)
        {
            if (step.IsRaw || step.Verb.Op != (uint)Op.Cancel || step.Args[0] is not { Kind: OperandKind.Immediate } target || tags.First(target.Value) >= 0)
            {
                continue;
            }

            diagnostics.Add(new Diagnostic(Severity.Warning, target.Where,
                $"cancel targets tag {target.Value}, which no step of this program has; it will complete with ENOENT"));
        }
    }

    private static void CheckMemory(ProgramModel program, RingCapacity capacity, List<Diagnostic> diagnostics)
    {
        var needed = ProgramLinker.ImageSize(program.Symbols);
        if (needed > capacity.UserMemorySize)
        {
            diagnostics.Add(new Diagnostic(Severity.Error, program.Symbols[^1].Where,
                $"the program's buffers and data need {needed} bytes of user memory; the ring has {capacity.UserMemorySize}"));
        }
    }
}
