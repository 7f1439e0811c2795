using System.Text;
using VerbRing.Verbs;
using VerbRing.Verbs.Programs;

namespace VerbRing.Tests.Programs;

/// <summary>
/// Programs of a hundred thousand lines check like small ones: the same findings, at the right lines. (That they
/// check in linear time is the verifier benchmark's claim, tests/Benchmarks/VerifierBenchmarks.cs, not a timed test.)
/// </summary>
public sealed class LargeProgramTests
{
    private const int Chains = 50_000;

    [Fact]
    public void Check_HundredThousandLines_FindsOnlyTheRaceAddedAtTheEnd()
    {
        var text = new StringBuilder("buffer b 8\n");
        for (var i = 0; i < Chains; i++)
        {
            text.Append("open \"/x\", READ|WRITE|CREATE -> r0 link\nclose r0\n");
        }

        text.Append("read 0, b, 1 -> r1\nclose r1\n"); // lines 100 002 and 100 003: r1 is saved by a chain that may pend
        var model = Assembler.Assemble(text.ToString(), "big.vr");
        var error = Verifier.Check(model, new RingCapacity(64, 1 << 20)).ShouldHaveSingleItem();
        error.Message.ShouldContain("r1 is also saved by another chain (big.vr:100002:1)");
        error.Where.ShouldBe(new SourceSpan("big.vr", 100_003, 7));
    }

    [Fact]
    public void Build_HundredThousandBuilderSteps_LinksEveryLiteralAtItsOwnAddress()
    {
        var builder = new ProgramBuilder();
        for (var i = 0; i < Chains; i++)
        {
            builder.Open($"/f{i}", OpenFlags.Read | OpenFlags.Write | OpenFlags.Create).To(Reg.R0).Link();
            builder.Close(Reg.R0);
        }

        var program = builder.Build(new RingCapacity(64, 1 << 20));
        program.Sqes.Length.ShouldBe(2 * Chains);
        program.Chains.Count.ShouldBe(Chains);
        program.Symbols.Select(s => s.Offset).Distinct().Count().ShouldBe(Chains);
        var last = program.Symbols[^1];
        program.SymbolAt(last.Offset).ShouldBe(last);
        last.Initial.ShouldBe(Encoding.UTF8.GetBytes($"/f{Chains - 1}"));
    }

    [Fact]
    public void Match_ManyStepsSharingATag_GoesOldestFirstThenNone()
    {
        var text = new StringBuilder();
        for (var i = 0; i < 1000; i++)
        {
            text.Append("nop tag 7\n");
        }

        var program = LinkedProgram.FromText(text.ToString(), "shared.vr", new RingCapacity(64));
        var matcher = program.NewMatcher();
        Enumerable.Range(0, 1000).Select(_ => matcher.Match(7)).ShouldBe(Enumerable.Range(0, 1000).Select(i => (int?)i));
        matcher.Match(7).ShouldBeNull();
        matcher.Match(8).ShouldBeNull();
    }

    [Fact]
    public void Match_SharedTagOfTwoVerbs_GoesToTheOldestOpenStepOfTheCqesVerb()
    {
        // Step 0 and 2 are READs, 1 and 3..1002 NOPs, all tag 7: the NOPs complete while the READs pend.
        var text = new StringBuilder("buffer b 8\nread 0, b, 8 tag 7\nnop tag 7\nread 0, b, 8 tag 7\n");
        text.Append(string.Concat(Enumerable.Repeat("nop tag 7\n", 1000)));
        var program = LinkedProgram.FromText(text.ToString(), "mixed.vr", new RingCapacity(64));
        var matcher = program.NewMatcher();
        var nop = (uint)Op.Nop;
        var read = (uint)Op.Read;
        Enumerable.Range(0, 1001).Select(_ => matcher.Match(7, nop)).ShouldBe(new int?[] { 1 }.Concat(Enumerable.Range(3, 1000).Select(i => (int?)i)));
        matcher.Match(7, nop).ShouldBe(0, "no NOP is left: the oldest open step of the tag, whatever its verb");
        matcher.Match(7, read).ShouldBe(2);
        matcher.Match(7, read).ShouldBeNull();
    }

    [Theory]
    [InlineData(new ulong[] { 0, 1, 2, 3 })]
    [InlineData(new ulong[] { 0, 7, 2, 7, 3 })]
    [InlineData(new ulong[] { 5, 5, 5 })]
    public void TagIndex_FindsEachTagsOldestStepAndNothingElse(ulong[] tags)
    {
        var index = TagIndex.Of(tags.Length, i => tags[i]);
        foreach (var tag in tags.Distinct())
        {
            var first = index.First(tag);
            index.At(first).ShouldBe((tag, Array.IndexOf(tags, tag)));
            var run = Enumerable.Range(first, index.Count - first).TakeWhile(p => index.At(p).Tag == tag).Select(p => index.At(p).Step);
            run.ShouldBe(Enumerable.Range(0, tags.Length).Where(i => tags[i] == tag));
        }

        foreach (var absent in new ulong[] { 4, 6, 8, ulong.MaxValue }.Except(tags))
        {
            index.First(absent).ShouldBe(-1);
        }
    }

    [Fact]
    public void FindSymbol_AfterInsertRemoveAndReplace_FindsTheFirstOfThatName()
    {
        var model = new ProgramModel { File = "m.vr" };
        var where = new SourceSpan("m.vr", 1, 1);
        model.Symbols.Add(new SymbolDecl("a", 1, null, where));
        model.Symbols.Add(new SymbolDecl("b", 2, null, where));
        model.Symbols.Add(new SymbolDecl("a", 3, null, where));
        model.FindSymbol("a")!.Size.ShouldBe(1u);
        model.Symbols.Insert(0, new SymbolDecl("b", 4, null, where));
        model.FindSymbol("b")!.Size.ShouldBe(4u);
        model.Symbols.RemoveAt(1);
        model.FindSymbol("a")!.Size.ShouldBe(3u);
        model.Symbols[0] = new SymbolDecl("c", 5, null, where);
        model.FindSymbol("b")!.Size.ShouldBe(2u);
        model.FindSymbol("c")!.Size.ShouldBe(5u);
        model.Symbols.Clear();
        model.FindSymbol("a").ShouldBeNull();
    }
}
