using VerbRing.Tests.Infrastructure;
using VerbRing.Tooling.Fuzzing;
using VerbRing.Tooling.Fuzzing.Coverage;

namespace VerbRing.Tests.Fuzzing;

/// <summary>
/// The coverage-guided fuzz targets (run under AFL++ by tests/Fuzz, docs/fuzzing.md) in <c>dotnet test</c>, without
/// AFL: each runs its whole seed corpus and every kept input (tests/Fuzz/corpus) with every invariant holding, so
/// that the targets do not rot between fuzzing campaigns and a fixed finding stays fixed.
/// </summary>
public sealed class CoverageTargetTests
{
    public static TheoryData<string, string> KeptInputs()
    {
        var data = new TheoryData<string, string>();
        foreach (var target in CoverageTargets.All.Keys)
        {
            foreach (var file in CoverageTargets.Corpus(target, Repository.Root))
            {
                data.Add(target, Path.GetFileName(file));
            }
        }

        return data;
    }

    [Fact]
    public void AssemblerTarget_EverySeedProgram_RoundTripsWhatAssembles()
    {
        var seeds = CoverageTargets.Seeds("assembler", Repository.Root).ToList();

        var assembled = seeds.Where(seed => AssemblerTarget.Run(seed.Input)).Select(seed => seed.Name).ToList();

        seeds.Count.ShouldBeGreaterThanOrEqualTo(15);
        assembled.ShouldContain("hello");
        assembled.ShouldContain("read-errors"); // its literal addresses once disassembled to names the verifier refused
        assembled.ShouldNotContain("bad-assembly");
    }

    [Fact]
    public void SqeStreamTarget_EverySeedProgram_CompletesEveryConsumedSqeOnce()
    {
        var seeds = CoverageTargets.Seeds("sqes", Repository.Root).ToList();

        var runs = seeds.Select(seed => (seed.Name, Run: SqeStreamTarget.Run(seed.Input))).ToList();

        seeds.Count.ShouldBeGreaterThanOrEqualTo(15);
        runs.ShouldAllBe(r => r.Run.Consumed > 0 && r.Run.Enters > 0);
        runs.Single(r => r.Name == "hello").Run.Consumed.ShouldBe(5); // its five steps; nothing was left to cancel
    }

    [Theory]
    [MemberData(nameof(KeptInputs))]
    public void Target_KeptInput_HoldsEveryInvariant(string target, string file)
    {
        var input = File.ReadAllBytes(Path.Combine(Repository.Root, "tests", "Fuzz", "corpus", target, file));

        Should.NotThrow(() => CoverageTargets.All[target](input));
    }

    [Fact]
    public void SqeStreamTarget_EmptyAndShortInputs_AreNoFinding()
    {
        SqeStreamTarget.Run([]).Consumed.ShouldBe(0);
        AssemblerTarget.Run([]).ShouldBeTrue(); // an empty program assembles
        SqeStreamTarget.Run([1, (byte)SqeStreamTarget.Command.Push]).Consumed.ShouldBe(1); // an SQE of zero-padding: a NOP
    }

    [Fact]
    public void AssemblerDictionary_EveryVerb_IsAQuotedLineAflAccepts()
    {
        var lines = CoverageTargets.AssemblerDictionary().Split('\n', StringSplitOptions.RemoveEmptyEntries);

        foreach (var verb in Verbs.VerbCatalogue.All)
        {
            lines.ShouldContain($"\"{verb.Name}\"");
        }

        lines.ShouldContain("\"\\x0a\""); // a newline, escaped as AFL++ reads it
        foreach (var line in lines)
        {
            line.Length.ShouldBeGreaterThan(2);
            (line[0], line[^1]).ShouldBe(('"', '"'), line);
            line[1..^1].Replace("\\x", "", StringComparison.Ordinal).ShouldNotContain('\\', line); // AFL++ knows \xNN only
        }
    }

    [Theory]
    [InlineData(true, 3, true, false)] // an enter that reaped less than a full CQ: the backlog went into the CQ
    [InlineData(true, 3, false, true)] // a clock move writes nothing from the backlog: it may still be there
    [InlineData(false, 4, true, true)] // a full CQ's worth: more may wait
    [InlineData(false, 0, false, false)]
    public void BacklogPossible_AfterSettle_OnlyAnEnterEmptiesIt(bool before, int reaped, bool entered, bool possible)
    {
        RingChecks.BacklogPossible(before, reaped, cqEntries: 4, entered).ShouldBe(possible);
    }
}
