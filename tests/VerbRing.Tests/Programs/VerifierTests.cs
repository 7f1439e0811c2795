using VerbRing.Verbs.Programs;

namespace VerbRing.Tests.Programs;

/// <summary>Every check of the verifier: a program that triggers it, and a close one that does not.</summary>
public sealed class VerifierTests
{
    internal static List<Diagnostic> Check(string text, uint sq = 64, uint memory = 64 * 1024)
    {
        var model = Assembler.Assemble(text, "v.vr", out var diagnostics);
        diagnostics.ShouldBeEmpty();
        return Verifier.Check(model, new RingCapacity(sq, memory));
    }

    [Theory]
    [InlineData("close r0", "no earlier step saves it")]
    [InlineData("buffer b 4\nread 0, b, 4 -> r1\nclose r1", "is also saved by another chain")]
    [InlineData("set r1 3\nnop timeout 1ms link\nclose r1\nnop -> r1", "is also saved by another chain")]
    [InlineData("close r2 link\nnop -> r2", "no earlier step saves it")]
    [InlineData("nop link\nnop link\nnop link\nnop", "this chain has 4 steps but the SQ holds 3")]
    [InlineData("buffer b 8\nread 0, b, 9", "read moves 9 bytes but 'b' holds 8")]
    [InlineData("buffer b 8\nbuffer c 9\nwrite 0, b, len(c)", "write moves 9 bytes but 'b' holds 8")]
    [InlineData("write 0, \"abc\", 4", "write moves 4 bytes but 'the string' holds 3")]
    [InlineData("buffer big 5000\nnop", "need 5000 bytes of user memory; the ring has 4096")]
    public void Check_Error_IsReported(string text, string message)
    {
        var error = Check(text, sq: 3, memory: 4096).ShouldHaveSingleItem();
        error.Severity.ShouldBe(Severity.Error);
        error.Message.ShouldContain(message);
    }

    [Theory]
    [InlineData("set r0 3\nclose r0")]
    [InlineData("nop -> r1 link\nclose r1")]
    [InlineData("nop -> r1 hardlink\nclose r1")]
    [InlineData("nop -> r1\nnop -> r1\nclose 4")]
    [InlineData("nop -> r1\nclose r1")]
    [InlineData("pipe -> r0\nclose r0.lo\nclose r0.hi")]
    [InlineData("set r1 3\nclose r1\nnop -> r1 timeout 1ms")]
    [InlineData("nop link\nnop link\nnop")]
    [InlineData("buffer b 8\nread 0, b, 8")]
    [InlineData("buffer b 8\nread 0, b, len(b)")]
    [InlineData("buffer b 8\nread 0, b, 8 -> r1 link\nread 0, b, r1 -> r1")]
    [InlineData("set r1 100\nbuffer b 8\nread 0, b, r1")]
    [InlineData("nop tag 5\nnop")]
    [InlineData("buffer ok 4096\nnop")]
    public void Check_CloseCall_IsClean(string text) => Check(text, sq: 3, memory: 4096).ShouldBeEmpty();

    [Fact]
    public void Check_LinkOnLastStep_IsAWarningOnly()
    {
        var warning = Check("nop\nnop link").ShouldHaveSingleItem();
        warning.Severity.ShouldBe(Severity.Warning);
        warning.Where.Line.ShouldBe(2);
        warning.Message.ShouldContain("links to nothing");
        Check("nop link\nnop").ShouldBeEmpty();
    }

    [Theory]
    [InlineData("nop\nnop tag 0", "tag 0 is also the tag of step 0")]
    [InlineData("cancel 5", "cancel targets tag 5, which no step of this program has")]
    public void Check_Warning_IsReported(string text, string message)
    {
        var warning = Check(text).ShouldHaveSingleItem();
        warning.Severity.ShouldBe(Severity.Warning);
        warning.Message.ShouldContain(message);
    }

    [Fact]
    public void Check_ThreeStepsSharingATag_WarnsAtTheLaterTwoNamingTheFirst()
    {
        var warnings = Check("nop tag 9\nnop tag 30\nnop tag 9\ncancel 9\nnop tag 9");
        warnings.Select(w => (w.Where.Line, w.Message[..30])).ShouldBe([(3, "tag 9 is also the tag of step "), (5, "tag 9 is also the tag of step ")]);
        warnings.ShouldAllBe(w => w.Message.Contains("step 0 (v.vr:1:1)"));
    }

    [Fact]
    public void Check_ReportsWhereTheOffendingArgumentIs()
    {
        var error = Check("nop\nread 1, 0x10000000, r4").ShouldHaveSingleItem();
        error.Where.ShouldBe(new SourceSpan("v.vr", 2, 21)); // the column of "r4"
    }

    [Fact]
    public void Link_WithErrors_ThrowsWithEveryDiagnostic()
    {
        var model = Assembler.Assemble("close r0\nclose r1", "v.vr");
        var failure = Should.Throw<ProgramException>(() => ProgramLinker.Link(model, new RingCapacity()));
        failure.Diagnostics.Count.ShouldBe(2);
        failure.Message.ShouldContain("v.vr:1:7: error:");
        failure.Message.ShouldContain("v.vr:2:7: error:");
    }
}
