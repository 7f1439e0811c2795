using System.Text;
using VerbRing.Registers;
using VerbRing.Tests.Infrastructure;
using VerbRing.Verbs;
using VerbRing.Verbs.Programs;

namespace VerbRing.Tests.Programs;

/// <summary>The .vr format: what each form assembles to, and that every error names file, line and column.</summary>
public sealed class AssemblerTests
{
    private static LinkedProgram Link(string text) => LinkedProgram.FromText(text, "t.vr", new RingCapacity());

    [Fact]
    public void Assemble_Hello_EncodesTheDesignCardChain()
    {
        var program = Link(File.ReadAllText(Repository.PathOf("examples/hello.vr")));
        var sqes = program.Sqes.ToArray();
        var greeting = program.Symbols.Single(s => s.Name == "greeting");
        var buf = program.Symbols.Single(s => s.Name == "buf");

        sqes.Select(s => s.Op).ShouldBe([4u, 2u, 6u, 1u, 5u]);
        sqes.Select(s => s.Data).ShouldBe([0UL, 1UL, 2UL, 3UL, 4UL], "the default tag is the step index");
        sqes[0].Arg0.ShouldBe(Abi.FdNone);
        sqes[0].Arg2.ShouldBe(10UL);
        sqes[0].Arg3.ShouldBe((ulong)(OpenFlags.Read | OpenFlags.Write | OpenFlags.Create));
        sqes[0].Flags.ShouldBe(SqeFlags.Compose(save: 0, link: SqeFlags.Link));
        sqes[1].Flags.ShouldBe(SqeFlags.Compose(load0: 0, save: 1, link: SqeFlags.Link));
        sqes[1].Arg1.ShouldBe(RingLayout.UserBase + greeting.Offset);
        sqes[1].Arg2.ShouldBe(21UL);
        sqes[1].Arg3.ShouldBe(Abi.OffCur);
        sqes[2].Arg4.ShouldBe((ulong)Whence.Set);
        sqes[3].Flags.ShouldBe(SqeFlags.Compose(load0: 0, load2: 1, save: 2, link: SqeFlags.Link));
        sqes[3].Arg1.ShouldBe(RingLayout.UserBase + buf.Offset);
        sqes[4].Flags.ShouldBe(SqeFlags.Compose(load0: 0));
        program.Image[(int)greeting.Offset..(int)(greeting.Offset + 21)].ToArray().ShouldBe(Encoding.UTF8.GetBytes("Hello from the ring!\n"));
    }

    [Theory]
    [InlineData("read 3, b, 4", 1u, 3UL, 4UL, Abi.OffCur)]
    [InlineData("READ 3, b, 4, 0x10", 1u, 3UL, 4UL, 16UL)]
    [InlineData("write 0x7, b, len(b), cur", 2u, 7UL, 8UL, Abi.OffCur)]
    [InlineData("seek 1, -5, end", 6u, 1UL, 0UL, unchecked((ulong)-5L))]
    [InlineData("open \"/p\", read|Write|CREATE|truncate|append", 4u, Abi.FdNone, 2UL, 31UL)]
    [InlineData("open \"/p\", EXCLUSIVE|CREATE|WRITE, 5", 4u, 5UL, 2UL, 38UL)]
    [InlineData("poll 2, READ|WRITE|ERROR|HUP|NVAL", 3u, 2UL, 31UL, 0UL)]
    [InlineData("op 77 1, 2, 3", 77u, 1UL, 3UL, 0UL)]
    public void Assemble_Arguments_ResolveByParameterKind(string line, uint op, ulong arg0, ulong arg2, ulong arg3)
    {
        var sqe = Link("buffer b 8\n" + line).Sqes[0];
        sqe.Op.ShouldBe(op);
        sqe.Arg0.ShouldBe(arg0);
        (line.StartsWith("poll", StringComparison.Ordinal) ? sqe.Arg1 : sqe.Arg2).ShouldBe(arg2);
        sqe.Arg3.ShouldBe(arg3);
    }

    [Theory]
    [InlineData("nop timeout 10ns", 10UL)]
    [InlineData("nop timeout 3us", 3_000UL)]
    [InlineData("nop timeout 10ms", 10_000_000UL)]
    [InlineData("nop timeout 2s", 2_000_000_000UL)]
    [InlineData("nop timeout never", ulong.MaxValue)]
    [InlineData("nop", 0UL)]
    public void Assemble_Durations_AreNanoseconds(string line, ulong timeout) => Link(line).Sqes[0].Timeout.ShouldBe(timeout);

    [Fact]
    public void Assemble_DirectivesAndModifiers()
    {
        var program = Link("data d \"a\\n\\t\\\\\\\"\\x41\\0\"\nset r3 -1\nset r4 0x10\nnop -> r5 hardlink tag 99\nnop");
        program.Symbols.Single().Initial.ShouldBe("a\n\t\\\"A\0"u8.ToArray());
        program.Source.Sets.Select(s => (s.Register.Index, s.Value)).ShouldBe([(3, ulong.MaxValue), (4, 16UL)]);
        program.Sqes[0].Data.ShouldBe(99UL);
        program.Sqes[0].Flags.ShouldBe(SqeFlags.Compose(save: 5, link: SqeFlags.HardLink));
        program.Sqes[1].Data.ShouldBe(1UL);
    }

    [Fact]
    public void Assemble_Comments_AndBlankLinesAreIgnored()
    {
        var program = Link("# a comment\n\n   nop   # trailing\n\topen \"/#not-a-comment\"\n");
        program.Sqes.Length.ShouldBe(2);
        program.Symbols.Single().Initial.ShouldBe("/#not-a-comment"u8.ToArray());
    }

    [Theory]
    [InlineData("frob 1", 1, 1, "unknown verb 'frob'")]
    [InlineData("read 1, b", 1, 10, "read needs 3 arguments")]
    [InlineData("close 1, 2", 1, 10, "one too many")]
    [InlineData("open \"/x\", HUP", 1, 12, "'HUP' is a poll-event constant, but 'flags' takes open flags")]
    [InlineData("open \"/x\", READ|HUP", 1, 17, "'HUP' is not open flags")]
    [InlineData("poll 1, CREATE", 1, 9, "'CREATE' is an open-flag constant, but 'events' takes poll events")]
    [InlineData("seek 1, 0, READ", 1, 12, "'READ' is an open-flag constant")]
    [InlineData("read -1, b, 4", 1, 6, "cannot be negative")]
    [InlineData("read 1, b, b", 1, 12, "would be an address")]
    [InlineData("read 1, b, 4 -> r7", 1, 17, "expected a register")]
    [InlineData("nop timeout 5", 1, 13, "with a unit")]
    [InlineData("nop tag x", 1, 9, "expected a tag value")]
    [InlineData("nop link hardlink", 1, 10, "at most one")]
    [InlineData("nop tag 1 tag 2", 1, 11, "at most one 'tag'")]
    [InlineData("nop timeout 1ms timeout 2ms", 1, 17, "at most one 'timeout'")]
    [InlineData("nop TAG 1 link Tag 2", 1, 16, "at most one 'tag'")]
    [InlineData("open \"/x\\", 1, 9, "unterminated string: the line ends in '\\'")]
    [InlineData("open r1", 1, 6, "not a register")]
    [InlineData("data s \"unterminated", 1, 8, "unterminated string")]
    [InlineData("data s \"\\q\"", 1, 9, "unknown escape")]
    [InlineData("buffer link 4", 1, 8, "is a keyword")]
    [InlineData("buffer b 0", 1, 10, "positive number")]
    [InlineData("read 1, nowhere, 4", 1, 9, "unknown name 'nowhere'")]
    [InlineData("nop @", 1, 5, "unexpected character '@'")]
    [InlineData("read 1, b, 99999999999999999999", 1, 12, "is not a number")]
    [InlineData("\nset r9 1", 2, 5, "expected a register")]
    public void Assemble_Errors_NameFileLineAndColumn(string text, int line, int column, string message)
    {
        Assembler.Assemble(text, "bad.vr", out var diagnostics);
        var error = diagnostics.ShouldHaveSingleItem();
        error.Severity.ShouldBe(Severity.Error);
        error.Where.ShouldBe(new SourceSpan("bad.vr", line, column));
        error.Message.ShouldContain(message);
        error.ToString().ShouldStartWith($"bad.vr:{line}:{column}: error: ");
    }

    [Fact]
    public void Assemble_LoneSurrogateInAString_IsAnErrorAtItsColumn()
    {
        Assembler.Assemble("data d \"a\ud800b\"", "bad.vr", out var diagnostics);
        diagnostics.ShouldHaveSingleItem().ToString().ShouldStartWith("bad.vr:1:10: error: a lone UTF-16 surrogate (U+D800)");
    }

    [Fact]
    public void Assemble_ManyBadLines_ReportsEveryOneInOrder()
    {
        Assembler.Assemble("frob\nnop\nread 1\nclose x y\n", "m.vr", out var diagnostics);
        diagnostics.Select(d => d.Where.Line).ShouldBe([1, 3, 4]);
    }

    [Fact]
    public void Assemble_TrailingDefaults_AreFilledIn()
    {
        var open = Link("open \"/x\"").Sqes[0];
        open.Arg3.ShouldBe((ulong)OpenFlags.Read);
        open.Arg0.ShouldBe(Abi.FdNone);
        Link("buffer b 4\nread 1, b, 4").Sqes[0].Arg3.ShouldBe(Abi.OffCur);
    }
}
