using VerbRing.Registers;
using VerbRing.Verbs;
using VerbRing.Verbs.Programs;

namespace VerbRing.Tests.Programs;

/// <summary>
/// The user side of loops, quiet successes and drain (issue 19): the assembler's <c>loop … end</c> blocks and
/// <c>skip</c>/<c>drain</c> modifiers, the verifier's bound and body checks (file:line:column), the builder and the
/// <c>Sqes</c> helpers encoding what the text does, and the disassembler's round trip.
/// </summary>
public sealed class LoopProgramTests
{
    internal const string CopyAll = """
        buffer buf 32768
        set    r2 1
        open   "/in.bin", READ                      -> r0  link skip
        open   "/out.bin", WRITE|CREATE|TRUNCATE    -> r1  link skip
        loop   r2, NE, 0, 65536                     -> r3  hardlink
            read  r0, buf, len(buf)                 -> r2  link skip
            write r1, buf, r2                              link skip
        end
        close  r0                                          hardlink skip
        close  r1
        """;

    private static LinkedProgram Link(string text) => LinkedProgram.FromText(text, "l.vr", new RingCapacity());

    private static List<Diagnostic> Check(string text)
    {
        var model = Assembler.Assemble(text, "l.vr", out var diagnostics);
        diagnostics.ShouldBeEmpty();
        return Verifier.Check(model, new RingCapacity());
    }

    [Fact]
    public void Assemble_LoopBlock_PutsTheBodyLengthInArg4AndEncodesSkipAndLink()
    {
        var program = Link(CopyAll);
        program.Warnings.ShouldBeEmpty();
        var loop = program.Sqes[2];
        loop.Op.ShouldBe((uint)Op.Loop);
        loop.Arg1.ShouldBe((ulong)LoopCompare.Ne);
        loop.Arg2.ShouldBe(0UL);
        loop.Arg3.ShouldBe(65536UL, "the bound");
        loop.Arg4.ShouldBe(2UL, "the body: the read and the write");
        SqeFlags.LoadOf(loop.Flags, 0).ShouldBe(2, "left is loaded from r2");
        (loop.Flags & SqeFlags.HardLink).ShouldNotBe(0u);
        SqeFlags.SkipsSuccess(loop.Flags).ShouldBeFalse();
        foreach (var body in new[] { 3, 4 })
        {
            SqeFlags.SkipsSuccess(program.Sqes[body].Flags).ShouldBeTrue($"body step {body} is quiet");
            (program.Sqes[body].Flags & SqeFlags.Link).ShouldNotBe(0u);
        }

        SqeFlags.SkipsSuccess(program.Sqes[^1].Flags).ShouldBeFalse("the last close posts the chain's end");
    }

    [Fact]
    public void Assemble_SkipAndDrain_SetBits20And21InAnyOrder()
    {
        var program = Link("nop drain skip link tag 7\nnop skip hardlink\nnop");
        program.Sqes[0].Flags.ShouldBe(SqeFlags.None | SqeFlags.Link | SqeFlags.SkipSuccess | SqeFlags.Drain);
        program.Sqes[0].Data.ShouldBe(7UL);
        program.Sqes[1].Flags.ShouldBe(SqeFlags.None | SqeFlags.HardLink | SqeFlags.SkipSuccess);
    }

    [Theory]
    [InlineData("nop skip skip link\nnop", 1, 10, "at most one 'skip'")]
    [InlineData("nop drain drain", 1, 11, "at most one 'drain'")]
    [InlineData("nop\nend", 2, 1, "'end' closes a loop, but no loop is open")]
    [InlineData("set r1 1\nloop r1, NE, 0, 4 link\n  nop skip", 2, 1, "this loop has no 'end'")]
    [InlineData("set r1 1\nloop r1, NE, 0, 4 link\n  loop r1, EQ, 0, 4 link\nend", 3, 3, "loops do not nest")]
    [InlineData("set r1 1\nloop r1, HUP, 0, 4 link\n  nop skip\nend", 2, 10, "'HUP' is a poll-event constant")]
    [InlineData("set r1 1\nloop r1, NE, 0, 4 link\n  nop skip\nend now", 4, 5, "expected the end of the line")]
    public void Assemble_BadLoopOrModifier_IsOneErrorAtItsColumn(string text, int line, int column, string message)
    {
        Assembler.Assemble(text, "l.vr", out var diagnostics);
        var error = diagnostics.ShouldHaveSingleItem();
        error.Severity.ShouldBe(Severity.Error);
        (error.Where.File, error.Where.Line, error.Where.Column).ShouldBe(("l.vr", line, column));
        error.Message.ShouldContain(message);
    }

    [Theory]
    [InlineData("set r1 1\nset r4 9\nloop r1, NE, 0, r4 link\n  nop skip link\nend\nnop", 3, 17, "the loop's bound is loaded from r4: the verifier cannot bound this loop")]
    [InlineData("set r1 1\nloop r1, NE, 0, 0 link\n  nop skip link\nend\nnop", 2, 17, "from 1 to 65536, not 0")]
    [InlineData("set r1 1\nloop r1, NE, 0, 65537 link\n  nop skip link\nend\nnop", 2, 17, "from 1 to 65536, not 65537")]
    [InlineData("set r1 1\nloop r1, NE, 0, 3 link\nend\nnop", 2, 1, "a loop's body holds 1 to 16 steps; this one holds 0")]
    [InlineData("set r1 1\nloop r1, NE, 0, 3\n  nop skip link\nend\nnop", 2, 1, "a loop must link to its body")]
    [InlineData("set r1 1\nloop r1, NE, 0, 3 link\n  nop link\nend\nnop", 3, 3, "must carry 'skip'")]
    [InlineData("set r1 1\nloop r1, NE, 0, 3 link\n  nop skip\n  nop skip link\nend\nnop", 3, 3, "does not link to the next body step")]
    [InlineData("set r1 1\nloop r1, NE, 0, 3 link\n  nop skip link drain\nend\nnop", 3, 3, "'drain' on a step that is not the first of its chain")]
    [InlineData("nop link\nnop drain", 2, 1, "'drain' on a step that is not the first of its chain")]
    [InlineData("nop link skip\nnop skip", 2, 1, "'skip' on the step that ends its chain")]
    [InlineData("set r1 1\nloop r1, NE, 0, 3 link skip\n  nop skip\nend", 2, 1, "'skip' on the step that ends its chain")]
    [InlineData("set r1 1\nop 10 r1, 2, 0, r1, 1 link\nnop skip link\nnop", 2, 17, "the loop's bound is loaded from r1")]
    public void Check_UnboundedOrMalformedLoop_IsAnErrorAtFileLineColumn(string text, int line, int column, string message)
    {
        var error = Check(text).ShouldHaveSingleItem();
        error.Severity.ShouldBe(Severity.Error);
        (error.Where.File, error.Where.Line, error.Where.Column).ShouldBe(("l.vr", line, column), error.Message);
        error.Message.ShouldContain(message);
    }

    [Fact]
    public void Check_BodyOfSeventeen_IsTooLong()
    {
        var body = string.Concat(Enumerable.Repeat("  nop skip link\n", 17));
        var error = Check($"set r1 1\nloop r1, NE, 0, 3 link\n{body}end\nnop").ShouldHaveSingleItem();
        error.Message.ShouldContain("1 to 16 steps; this one holds 17");
        Check($"set r1 1\nloop r1, NE, 0, 3 link\n{string.Concat(Enumerable.Repeat("  nop skip link\n", 16))}end\nnop").ShouldBeEmpty();
    }

    [Theory]
    [InlineData(LoopProgramTests.CopyAll)]
    [InlineData("set r1 1\nloop r1, NE, 0, 3 link\n  nop skip\nend")] // the body ends the chain: the loop posts
    [InlineData("nop skip link\nnop")]
    [InlineData("nop drain link\nnop")]
    [InlineData("set r1 1\nloop r1, LT, 100, 1 link\n  add r1, 1 -> r1 link skip\nend\nnop")]
    public void Check_BoundedLoopAndQuietChain_IsClean(string text) => Check(text).ShouldBeEmpty();

    [Fact]
    public void Check_LoopWhoseBodyMayPend_MakesItsLoadsRaceASaverInAnotherChain()
    {
        var text = "set r1 1\nbuffer b 8\nloop r1, NE, 0, 9 link\n  read 0, b, 8 -> r1 link skip\nend\nnop\nnop -> r1";
        var error = Check(text).ShouldHaveSingleItem();
        error.Message.ShouldContain("is also saved by another chain");
        Check(text.Replace("read 0, b, 8", "add r1, 0", StringComparison.Ordinal)).ShouldBeEmpty("a body that cannot pend lets no chain in");
    }

    [Fact]
    public void Build_Loop_EncodesLikeTheText()
    {
        var p = new ProgramBuilder();
        var buf = p.Buffer("buf", 32768);
        p.Set(Reg.R2, 1);
        p.Open("/in.bin", OpenFlags.Read).To(Reg.R0).Link().SkipSuccess();
        p.Open("/out.bin", OpenFlags.Write | OpenFlags.Create | OpenFlags.Truncate).To(Reg.R1).Link().SkipSuccess();
        p.Loop(Reg.R2, LoopCompare.Ne, 0, 65536, body =>
        {
            body.Read(Reg.R0, buf, BuilderOperand.LengthOf(buf)).To(Reg.R2).Link().SkipSuccess();
            body.Write(Reg.R1, buf, Reg.R2).Link().SkipSuccess();
        }).To(Reg.R3).HardLink();
        p.Close(Reg.R0).HardLink().SkipSuccess();
        p.Close(Reg.R1);

        var built = p.Build();
        var text = Link(CopyAll);
        built.Sqes.SequenceEqual(text.Sqes).ShouldBeTrue();
        built.Image.SequenceEqual(text.Image).ShouldBeTrue();
    }

    [Fact]
    public void Build_UnboundedLoop_ThrowsWithTheCallersLine()
    {
        var p = new ProgramBuilder();
        p.Set(Reg.R1, 1);
        p.Loop(Reg.R1, LoopCompare.Ne, 0, Reg.R1, body => body.Nop().Link().SkipSuccess()).Link();
        p.Nop();
        var error = Should.Throw<ProgramException>(() => p.Build()).Diagnostics.ShouldHaveSingleItem();
        error.Where.File.ShouldBe("LoopProgramTests.cs");
        error.Message.ShouldContain("the verifier cannot bound this loop");
    }

    [Fact]
    public void Sqes_LoopAddAndFlags_EncodeTheAbi()
    {
        var loop = Sqes.Loop(Reg.R2, LoopCompare.Lt, 10, 100, 3, save: Reg.R3, data: 5);
        (loop.Op, loop.Arg1, loop.Arg2, loop.Arg3, loop.Arg4, loop.Data).ShouldBe((10u, 3UL, 10UL, 100UL, 3UL, 5UL));
        SqeFlags.LoadOf(loop.Flags, 0).ShouldBe(2);
        SqeFlags.SaveOf(loop.Flags).ShouldBe(3);
        (loop.Flags & SqeFlags.Link).ShouldNotBe(0u, "a loop links to its body by default");

        var add = Sqes.Add(Reg.R1, 7, save: Reg.R1);
        (add.Op, add.Arg1).ShouldBe((11u, 7UL));
        var quiet = Sqes.Nop().WithSkipSuccess().WithDrain();
        quiet.Flags.ShouldBe(SqeFlags.None | SqeFlags.SkipSuccess | SqeFlags.Drain);
        (quiet.Flags & SqeFlags.ReservedMask).ShouldBe(0u, "the new bits are not reserved");
    }

    [Fact]
    public void Disassemble_LoopBlock_RoundTripsWithItsEndAndModifiers()
    {
        var program = Link(CopyAll);
        var text = Disassembler.Disassemble(program);
        text.ShouldContain("loop   r2, NE, 0, 65536 -> r3 hardlink\n    read   r0, buf, 32768 -> r2 link skip\n    write  r1, buf, r2 link skip\nend\nclose  r0 hardlink skip\n");
        var again = Link(text);
        again.Sqes.SequenceEqual(program.Sqes).ShouldBeTrue(text);
        again.Image.SequenceEqual(program.Image).ShouldBeTrue();
    }

    [Theory]
    [InlineData("op 10 1, 2, 0, 3, 0")] // no body
    [InlineData("op 10 1, 2, 0, 3, 5\nnop")] // past the last step
    [InlineData("op 10 1, 2, 0, 3, 2\nop 10 1, 2, 0, 3, 1\nnop")] // a loop in the body
    public void Disassemble_LoopTheBlockCannotSay_IsARawOpThatRoundTrips(string text)
    {
        var model = Assembler.Assemble(text, "raw.vr", out var diagnostics);
        diagnostics.ShouldBeEmpty();
        var program = ProgramLinker.LinkUnchecked(model, diagnostics);
        var disassembled = Disassembler.Disassemble(program);
        disassembled.ShouldStartWith("op 10 1, 2, 0, 3");
        var again = ProgramLinker.LinkUnchecked(Assembler.Assemble(disassembled, "again.vr", out var more), more);
        more.ShouldBeEmpty();
        again.Sqes.SequenceEqual(program.Sqes).ShouldBeTrue(disassembled);
    }
}
