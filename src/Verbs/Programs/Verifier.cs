namespace VerbRing.Verbs.Programs;

/// <summary>The ring a program is checked against.</summary>
/// <param name="SqEntries">SQ entries: no chain may be longer (a chain never spans enters).</param>
/// <param name="UserMemorySize">User memory: every buffer and data must fit.</param>
public sealed record RingShape(uint SqEntries = 64, uint UserMemorySize = 64 * 1024);

/// <summary>
/// Checks a program before anything runs. Errors: a register loaded that no earlier step of its chain saves and no
/// <c>set</c> defines; a register loaded in one chain and saved by another (chains run independently: a race); a
/// chain longer than the SQ; a count larger than the buffer it goes with; two steps with one tag; more user memory
/// than the ring has. Warning: <c>link</c> on the last step (links never span enters, so it does nothing).
/// </summary>
public static class Verifier
{
    /// <summary>Every finding, in source order.</summary>
    public static List<Diagnostic> Check(ProgramModel program, RingShape shape)
    {
        ArgumentNullException.ThrowIfNull(program);
        ArgumentNullException.ThrowIfNull(shape);
        var diagnostics = new List<Diagnostic>();
        var chains = Chains(program.Steps);
        CheckRegisters(program, chains, diagnostics);
        CheckChains(program, chains, shape, diagnostics);
        CheckBuffers(program, diagnostics);
        CheckTags(program, diagnostics);
        CheckMemory(program, shape, diagnostics);
        diagnostics.Sort((a, b) => (a.Where.Line, a.Where.Column).CompareTo((b.Where.Line, b.Where.Column)));
        return diagnostics;
    }

    /// <summary>The chains of a program: runs of steps joined by link or hardlink, as index ranges.</summary>
    public static List<(int Start, int Count)> Chains(IReadOnlyList<ProgramStep> steps)
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
        var defined = program.Sets.Select(s => s.Register.Index).ToHashSet();
        for (var c = 0; c < chains.Count; c++)
        {
            var (start, count) = chains[c];
            var savedInChain = new HashSet<int>();
            for (var i = start; i < start + count; i++)
            {
                var step = program.Steps[i];
                foreach (var arg in step.Args.Where(a => a.Kind == ArgKind.Register))
                {
                    var register = arg.Register.Index;
                    var otherChain = chains.Index().FirstOrDefault(o => o.Index != c && SavesIn(program, o.Item, register));
                    if (otherChain.Item.Count > 0)
                    {
                        var saver = program.Steps[Enumerable.Range(otherChain.Item.Start, otherChain.Item.Count).First(j => program.Steps[j].Save == arg.Register)];
                        diagnostics.Add(new Diagnostic(Severity.Error, arg.Where,
                            $"{arg.Register} is saved by a step of another chain ({saver.Where}); chains run independently, so which value this step loads is a race — link the steps into one chain or use another register"));
                    }
                    else if (!savedInChain.Contains(register) && !defined.Contains(register))
                    {
                        diagnostics.Add(new Diagnostic(Severity.Error, arg.Where,
                            $"{arg.Register} is loaded here, but no earlier step of this chain saves it and no 'set {arg.Register}' defines it"));
                    }
                }

                if (!step.Save.IsNone)
                {
                    savedInChain.Add(step.Save.Index);
                }
            }
        }
    }

    private static bool SavesIn(ProgramModel program, (int Start, int Count) chain, int register) =>
        Enumerable.Range(chain.Start, chain.Count).Any(j => !program.Steps[j].Save.IsNone && program.Steps[j].Save.Index == register);

    private static void CheckChains(ProgramModel program, List<(int Start, int Count)> chains, RingShape shape, List<Diagnostic> diagnostics)
    {
        foreach (var (start, count) in chains.Where(c => c.Count > shape.SqEntries))
        {
            diagnostics.Add(new Diagnostic(Severity.Error, program.Steps[start].Where,
                $"this chain has {count} steps but the SQ holds {shape.SqEntries}; a chain never spans enters, so it cannot run (split it, or use a larger --sq)"));
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
            if (buffer is null || count is null || step.Args[buffer.Arg] is not { Kind: ArgKind.Address, Symbol: { } name }
                || program.FindSymbol(name) is not { } symbol)
            {
                continue;
            }

            var countArg = step.Args[count.Arg];
            var bytes = countArg.Kind switch
            {
                ArgKind.Immediate => countArg.Value,
                ArgKind.Length when program.FindSymbol(countArg.Symbol!) is { } other => other.Size,
                _ => (ulong?)null,
            };
            if (bytes > symbol.Size)
            {
                diagnostics.Add(new Diagnostic(Severity.Error, countArg.Where,
                    $"{step.Verb.Name} moves {bytes} bytes but '{(symbol.IsLiteral ? "the string" : symbol.Name)}' holds {symbol.Size}"));
            }
        }
    }

    private static void CheckTags(ProgramModel program, List<Diagnostic> diagnostics)
    {
        var seen = new Dictionary<ulong, int>();
        for (var i = 0; i < program.Steps.Count; i++)
        {
            var tag = program.Steps[i].Tag ?? (ulong)i;
            if (seen.TryGetValue(tag, out var first))
            {
                diagnostics.Add(new Diagnostic(Severity.Error, program.Steps[i].Where,
                    $"tag {tag} is also the tag of step {first} ({program.Steps[first].Where}); every step needs its own tag so that its completion can be told apart"));
            }
            else
            {
                seen[tag] = i;
            }
        }
    }

    private static void CheckMemory(ProgramModel program, RingShape shape, List<Diagnostic> diagnostics)
    {
        var needed = ProgramLinker.ImageSize(program.Symbols);
        if (needed > shape.UserMemorySize)
        {
            diagnostics.Add(new Diagnostic(Severity.Error, program.Symbols[^1].Where,
                $"the program's buffers and data need {needed} bytes of user memory; the ring has {shape.UserMemorySize}"));
        }
    }
}
