using VerbRing.Verbs;
using VerbRing.Verbs.Programs;

namespace VerbRing.Tests.Programs;

/// <summary>
/// The verifier's findings together and at their edges — their order, where each points, raw steps and register
/// arguments that the checks must pass over — pinned where the mutation run (docs/mutation.md) found them untested.
/// </summary>
public sealed class VerifierBoundaryTests
{
    private static List<Diagnostic> Check(string text, uint sq = 64, uint memory = 64 * 1024) => VerifierTests.Check(text, sq, memory);

    [Fact]
    public void Check_FindingsOfDifferentChecks_ComeInSourceOrder()
    {
        var findings = Check("close r0\nbuffer a 3072\nnop link\nnop link\nnop link\nbuffer b 3072\ncancel 77\nnop tag 2\nnop hardlink", sq: 2, memory: 4096);
        findings.Select(f => (f.Where.Line, f.Where.Column, f.Severity)).ShouldBe(
        [
            (1, 7, Severity.Error),    // r0 is never saved
            (3, 1, Severity.Error),    // a chain of four steps (the cancel ends it), SQ 2
            (6, 8, Severity.Error),    // 6144 bytes of buffers, 4096 of memory: at the last buffer
            (7, 8, Severity.Warning),  // cancel of a tag no step has
            (8, 1, Severity.Warning),  // tag 2 is also step 2's
            (9, 1, Severity.Warning),  // hardlink on the last step
        ]);
        findings[5].Message.ShouldStartWith("'hardlink' on the last step links to nothing");
        findings[2].Message.ShouldBe("the program's buffers and data need 6144 bytes of user memory; the ring has 4096");
        findings[1].Message.ShouldStartWith("this chain has 4 steps but the SQ holds 2;");
    }

    [Fact]
    public void Check_TwoLoadsOnOneLine_AreReportedLeftToRight() =>
        Check("write r5, 0, r6").Select(f => f.Where.Column).ShouldBe([7, 14]);

    [Theory]
    [InlineData("cancel 0")]
    [InlineData("nop tag 7\ncancel 7")]
    [InlineData("set r1 9\ncancel r1")]
    [InlineData("op 7 99")]
    public void Check_CancelOfAKnownTagOrARegisterOrRawOp_IsClean(string text) => Check(text).ShouldBeEmpty();

    [Theory]
    [InlineData("set r1 2\nbuffer b 1\nread 0, r1, 5")]
    [InlineData("buffer b 1\nread 0, 4096, 5")]
    [InlineData("op 1 0, 4096, 99")]
    public void Check_CountAgainstAnUnnamedBuffer_IsNotChecked(string text) => Check(text).ShouldBeEmpty();

    [Fact]
    public void Check_CountAsTheLengthOfALargerBuffer_PointsAtTheCount()
    {
        var error = Check("buffer small 2\nbuffer large 3\nwrite 0, small, len(large)").ShouldHaveSingleItem();
        error.Where.ShouldBe(new SourceSpan("v.vr", 3, 21));
        error.Message.ShouldBe("write moves 3 bytes but 'small' holds 2");
    }

    [Fact]
    public void Chains_SplitAfterEveryUnlinkedStepAndAtTheEnd()
    {
        var model = Assembler.Assemble("nop link\nnop\nnop\nnop hardlink\nnop link", "c.vr");
        Verifier.Chains(model.Steps).ShouldBe([(0, 2), (2, 1), (3, 2)]);
    }

    [Fact]
    public void Chains_OfNoSteps_IsEmpty() => Verifier.Chains([]).ShouldBeEmpty();

    [Fact]
    public void Check_NullProgramOrShape_IsAnArgumentError()
    {
        var model = Assembler.Assemble("nop", "v.vr");
        Should.Throw<ArgumentNullException>(() => Verifier.Check(null!, new RingCapacity())).ParamName.ShouldBe("program");
        Should.Throw<ArgumentNullException>(() => Verifier.Check(model, null!)).ParamName.ShouldBe("capacity");
        Should.Throw<ArgumentNullException>(() => Verifier.Chains(null!)).ParamName.ShouldBe("steps");
    }
}
