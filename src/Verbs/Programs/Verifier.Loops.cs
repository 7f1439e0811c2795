namespace VerbRing.Verbs.Programs;

/// <summary>
/// The verifier's checks of VerbRing's extensions: a loop must be bounded by a constant the verifier can read (1 to
/// <see cref="Abi.MaxLoopIterations"/>), its body must be 1 to <see cref="Abi.MaxLoopBody"/> linked, quiet steps that
/// do not nest another loop, DRAIN only heads a chain (so never sits in a body), and the step that ends a chain must post its CQE.
/// The kernel refuses the same things with EINVAL (spec/semantics.md, "Loops"); the verifier says where.
/// </summary>
public static partial class Verifier
{
    /// <summary>
    /// The body length of the loop at <paramref name="index"/> as far as the program holds it: its fifth argument
    /// when that is a number, clipped to the steps that follow (0 when it is not a number).
    /// </summary>
    internal static int BodyOf(IReadOnlyList<ProgramStep> steps, int index)
    {
        var body = steps[index].Args[4];
        if (body.Kind != OperandKind.Immediate)
        {
            return 0;
        }

        return (int)Math.Min(body.Value, (ulong)(steps.Count - 1 - index));
    }

    private static void CheckLoops(ProgramModel program, List<Diagnostic> diagnostics)
    {
        var steps = program.Steps;
        for (var i = 0; i < steps.Count; i++)
        {
            var loop = steps[i];
            if (!loop.IsLoop)
            {
                continue;
            }

            CheckBound(program, loop, diagnostics);
            var bodyArg = loop.Args[4];
            if (bodyArg.Kind != OperandKind.Immediate)
            {
                diagnostics.Add(Error(bodyArg.Where, "the loop's body length is not a number the verifier can read: the verifier cannot bound this loop"));
                continue;
            }

            if (bodyArg.Value == 0 || bodyArg.Value > Abi.MaxLoopBody)
            {
                diagnostics.Add(Error(loop.Where, $"a loop's body holds 1 to {Abi.MaxLoopBody} steps; this one holds {bodyArg.Value}"));
                continue;
            }

            if (bodyArg.Value > (ulong)(steps.Count - 1 - i))
            {
                diagnostics.Add(Error(loop.Where, $"the loop's body is {bodyArg.Value} steps, but only {steps.Count - 1 - i} follow it"));
                continue;
            }

            if (loop.Link == SqeLink.None)
            {
                diagnostics.Add(Error(loop.Where, "a loop must link to its body: add 'link' (the steps after the body run only if the loop succeeds) or 'hardlink' (they run anyway)"));
            }

            var last = i + (int)bodyArg.Value;
            for (var j = i + 1; j <= last; j++)
            {
                CheckBodyStep(steps[j], loop, isLast: j == last, diagnostics);
            }
        }
    }

    private static void CheckBound(ProgramModel program, ProgramStep loop, List<Diagnostic> diagnostics)
    {
        var bound = loop.Args[3];
        ulong? value = bound.Kind switch
        {
            OperandKind.Immediate => bound.Value,
            OperandKind.Length => program.FindSymbol(bound.Symbol!)?.Size,
            _ => null,
        };
        if (bound.Kind == OperandKind.Register)
        {
            diagnostics.Add(Error(bound.Where,
                $"the loop's bound is loaded from {bound.Register}: the verifier cannot bound this loop; write a number of iterations from 1 to {Abi.MaxLoopIterations}"));
        }
        else if (value is not { } iterations || iterations == 0 || iterations > Abi.MaxLoopIterations)
        {
            diagnostics.Add(Error(bound.Where,
                $"a loop's bound is a number of iterations from 1 to {Abi.MaxLoopIterations}{(value is { } v ? $", not {v}" : "")}: the verifier cannot bound this loop otherwise"));
        }
    }

    private static void CheckBodyStep(ProgramStep step, ProgramStep loop, bool isLast, List<Diagnostic> diagnostics)
    {
        if (step.IsLoop)
        {
            diagnostics.Add(Error(step.Where, $"loops do not nest: this loop is in the body of the loop at {loop.Where}"));
        }

        if (!step.Skip)
        {
            diagnostics.Add(Error(step.Where,
                $"a step in a loop's body (the loop at {loop.Where}) must carry 'skip': its successes post no CQE, only its failure does"));
        }

        if (!isLast && step.Link == SqeLink.None)
        {
            diagnostics.Add(Error(step.Where, $"this step is in the body of the loop at {loop.Where} but does not link to the next body step"));
        }
    }

    private static void CheckQuietAndDrain(ProgramModel program, List<(int Start, int Count)> chains, List<Diagnostic> diagnostics)
    {
        var steps = program.Steps;
        foreach (var (start, count) in chains)
        {
            for (var i = start + 1; i < start + count; i++)
            {
                if (steps[i].Drain)
                {
                    diagnostics.Add(Error(steps[i].Where, "'drain' on a step that is not the first of its chain: only a chain's first step drains (the kernel answers EINVAL)"));
                }
            }

            // The step whose CQE tells that the chain finished: its last step, or the loop whose body ends it.
            var last = start + count - 1;
            var poster = last;
            for (var h = start; h < last; h++)
            {
                if (steps[h].IsLoop && h + BodyOf(steps, h) >= last)
                {
                    poster = h;
                    break;
                }
            }

            if (steps[poster].Skip)
            {
                diagnostics.Add(Error(steps[poster].Where,
                    "'skip' on the step that ends its chain: its success would post no CQE, so nothing would tell that the chain finished"));
            }
        }
    }

    private static Diagnostic Error(SourceSpan where, string message) => new(Severity.Error, where, message);
}
