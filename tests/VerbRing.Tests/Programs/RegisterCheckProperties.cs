using System.Globalization;
using System.Text;
using FsCheck.Xunit;
using VerbRing.Tests.Properties;
using VerbRing.Verbs;
using VerbRing.Verbs.Programs;

namespace VerbRing.Tests.Programs;

/// <summary>
/// The verifier's register check, which gathers every register's savers in one pass, finds exactly what the rule in
/// spec/assembly.md says, written out here the slow and obvious way (every load against every other chain), for
/// random programs of saves, loads, links and steps that may pend.
/// </summary>
public sealed class RegisterCheckProperties
{
    private static readonly string[] Steps =
    [
        "nop", "nop timeout 1ms", "nop timeout never", "read 0, b, 1", "write 1, b, 1", "poll 0, READ", "op 77", "cancel 99",
        "close r{0}", "close r{0}.lo", "read r{0}, b, r{1}", "nop -> r{0}", "pipe -> r{0}", "read 0, b, 1 -> r{0}",
        "seek r{0}, 0, SET -> r{1}", "op 77 r{0} -> r{1}",
    ];

    [Property(Arbitrary = [typeof(Seeds)], MaxTest = 500)]
    public void Check_RandomPrograms_FindsTheRacesAndUndefinedLoadsTheRuleDefines(int seed)
    {
        var text = RandomProgram(new Random(seed));
        var model = Assembler.Assemble(text, "r.vr");
        var found = Verifier.Check(model, new RingCapacity(64, 4096))
            .Where(d => d.Message.Contains("saved by another chain", StringComparison.Ordinal) || d.Message.Contains("no earlier step saves it", StringComparison.Ordinal))
            .Select(d => d.ToString());
        var expected = Rule(model).Select(d => d.ToString());
        if (!found.SequenceEqual(expected))
        {
            throw new InvalidOperationException($"seed {seed}:\n{text}\n--- found\n{string.Join('\n', found)}\n--- the rule says\n{string.Join('\n', expected)}");
        }
    }

    private static string RandomProgram(Random random)
    {
        var text = new StringBuilder("buffer b 8\n");
        for (var i = random.Next(0, 3); i > 0; i--)
        {
            text.Append(CultureInfo.InvariantCulture, $"set r{random.Next(3)} 1\n");
        }

        for (var i = random.Next(1, 24); i > 0; i--)
        {
            var step = string.Format(CultureInfo.InvariantCulture, Steps[random.Next(Steps.Length)], random.Next(3), random.Next(3));
            var link = random.Next(3) switch
            {
                0 => " link",
                1 => " hardlink",
                _ => "",
            };
            text.Append(step).Append(i > 1 ? link : "").Append('\n');
        }

        return text.ToString();
    }

    /// <summary>The rule, checked load by load against every other chain (quadratic, and plainly so).</summary>
    private static List<Diagnostic> Rule(ProgramModel program)
    {
        var diagnostics = new List<Diagnostic>();
        var chains = Verifier.Chains(program.Steps);
        var steps = program.Steps;
        for (var c = 0; c < chains.Count; c++)
        {
            var (start, count) = chains[c];
            for (var i = start; i < start + count; i++)
            {
                foreach (var arg in steps[i].Args.Where(a => a.Kind == OperandKind.Register))
                {
                    var register = arg.Register;
                    var loaderPendsFirst = Enumerable.Range(start, i - start).Any(j => MayPend(steps[j]));
                    ProgramStep? racing = null;
                    for (var other = 0; other < chains.Count && racing is null; other++)
                    {
                        var saves = StepsOf(chains[other]).Where(j => steps[j].Save == register).ToList();
                        if (other == c || saves.Count == 0)
                        {
                            continue;
                        }

                        var settled = other < c
                            ? !Enumerable.Range(chains[other].Start, saves[^1] - chains[other].Start + 1).Any(j => MayPend(steps[j]))
                            : !loaderPendsFirst;
                        racing = settled ? null : steps[saves[0]];
                    }

                    var savedInChain = Enumerable.Range(start, i - start).Any(j => steps[j].Save == register);
                    var savedEarlier = Enumerable.Range(0, c).Any(o => StepsOf(chains[o]).Any(j => steps[j].Save == register));
                    var defined = program.Sets.Any(s => s.Register == register);
                    if (racing is not null)
                    {
                        diagnostics.Add(new Diagnostic(Severity.Error, arg.Where,
                            $"{register} is also saved by another chain ({racing.Where}), and one of the two chains may wait, letting the other run in between: which value this step loads is a race — link the steps into one chain or use another register"));
                    }
                    else if (!savedInChain && !savedEarlier && !defined)
                    {
                        diagnostics.Add(new Diagnostic(Severity.Error, arg.Where,
                            $"{register} is loaded here, but no earlier step saves it and no 'set {register}' defines it"));
                    }
                }
            }
        }

        diagnostics.Sort((a, b) => (a.Where.Line, a.Where.Column).CompareTo((b.Where.Line, b.Where.Column)));
        return diagnostics;
    }

    private static IEnumerable<int> StepsOf((int Start, int Count) chain) => Enumerable.Range(chain.Start, chain.Count);

    // spec/assembly.md, Races: READ, WRITE and POLL can pend, so can a NOP with a timeout (not 'never'), and a raw op
    // is assumed to.
    private static bool MayPend(ProgramStep step) =>
        step.IsRaw || step.Verb.Op is (uint)Op.Read or (uint)Op.Write or (uint)Op.Poll
        || (step.Verb.Op == (uint)Op.Nop && step.Timeout is not (0 or ulong.MaxValue));
}
