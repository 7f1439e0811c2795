using VerbRing.Registers;
using VerbRing.Verbs;
using VerbRing.Verbs.Programs;

namespace VerbRing.Tests.Programs;

/// <summary>
/// The assembler at the edges of each form — the largest and first-too-large values, case, line endings, the exact
/// wording of argument-count errors — pinned where the mutation run (docs/mutation.md) found them untested.
/// </summary>
public sealed class AssemblerBoundaryTests
{
    private static ProgramModel Clean(string text)
    {
        var model = Assembler.Assemble(text, "e.vr", out var diagnostics);
        diagnostics.ShouldBeEmpty();
        return model;
    }

    private static Diagnostic Error(string text)
    {
        Assembler.Assemble(text, "e.vr", out var diagnostics);
        var error = diagnostics.ShouldHaveSingleItem();
        error.Severity.ShouldBe(Severity.Error);
        return error;
    }

    [Fact]
    public void Assemble_CrLfLines_AreTheSameAsLfLines()
    {
        var model = Clean("buffer b 4\r\nread 1, b, 4 -> r2\r\nclose r2\r\n");
        model.Steps.Count.ShouldBe(2);
        model.Steps[1].Args[0].Register.ShouldBe(Reg.At(2));
    }

    [Theory]
    [InlineData("op 4294967296", 4)]
    [InlineData("op -1", 4)]
    [InlineData("op 5ms", 4)]
    public void Assemble_OpCodeOutOfRange_IsAnError(string text, int column)
    {
        var error = Error(text);
        error.Where.Column.ShouldBe(column);
        error.Message.ShouldBe("an op code is a 32-bit unsigned number");
    }

    [Fact]
    public void Assemble_LargestOpCode_IsRaw() => Clean("op 4294967295").Steps[0].Verb.Op.ShouldBe(uint.MaxValue);

    [Theory]
    [InlineData("buffer b -1")]
    [InlineData("buffer b 4k")]
    [InlineData("buffer b 2147483648")]
    public void Assemble_BadBufferSize_IsAnError(string text) =>
        Error(text).Message.ShouldBe("a buffer size is a positive number of bytes");

    [Fact]
    public void Assemble_LargestBufferSize_IsKept() => Clean("buffer b 2147483647").Symbols.Single().Size.ShouldBe((uint)int.MaxValue);

    [Fact]
    public void Assemble_NameDeclaredTwice_NamesTheFirstDeclaration()
    {
        var error = Error("buffer b 4\ndata b \"x\"");
        error.Where.ShouldBe(new SourceSpan("e.vr", 2, 6));
        error.Message.ShouldBe("'b' is already declared at e.vr:1:8");
    }

    [Theory]
    [InlineData("set r1 -9223372036854775808", 0x8000_0000_0000_0000UL)]
    [InlineData("set R6 18446744073709551615", ulong.MaxValue)]
    [InlineData("set r0 -0x1", ulong.MaxValue)]
    public void Assemble_SetValue_IsTwosComplement64Bits(string text, ulong value) =>
        Clean(text).Sets.ShouldHaveSingleItem().Value.ShouldBe(value);

    [Theory]
    [InlineData("set r1 -9223372036854775809")]
    [InlineData("set r1 5ms")]
    public void Assemble_SetValueOutOfRange_IsAnError(string text) =>
        Error(text).Message.ShouldBe("a register value is a 64-bit number");

    [Theory]
    [InlineData("set r7 1", "expected a register (r0–r6), found 'r7'")]
    [InlineData("set r 1", "expected a register (r0–r6), found 'r'")]
    [InlineData("set r10 1", "expected a register (r0–r6), found 'r10'")]
    [InlineData("set x1 1", "expected a register (r0–r6), found 'x1'")]
    public void Assemble_NotARegister_IsAnError(string text, string message) => Error(text).Message.ShouldBe(message);

    [Theory]
    [InlineData("set R0 1\nclose R0", LoadModifier.Whole)]
    [InlineData("set r0 1\nclose r0.LO", LoadModifier.Low32)]
    [InlineData("set r0 1\nclose R0.Hi", LoadModifier.High32)]
    public void Assemble_RegisterLoads_IgnoreCase(string text, LoadModifier modifier)
    {
        var arg = Clean(text).Steps[0].Args[0];
        arg.Kind.ShouldBe(OperandKind.Register);
        arg.Register.ShouldBe(Reg.At(0));
        arg.Value.ShouldBe((ulong)modifier);
    }

    [Theory]
    [InlineData("close r0.mid")]
    public void Assemble_UnknownRegisterHalf_IsNotARegister(string text) =>
        Error(text).Message.ShouldContain("is not a register: registers are r0–r6, loaded whole or as rN.lo / rN.hi");

    [Theory]
    [InlineData("nop timeout 18446744073s", 18_446_744_073_000_000_000UL)]
    [InlineData("nop timeout 18446744073709551614ns", ulong.MaxValue - 1)]
    [InlineData("nop TIMEOUT NEVER", ulong.MaxValue)]
    [InlineData("nop timeout 1MS", 1_000_000UL)]
    public void Assemble_LargestDurations_Fit(string text, ulong nanoseconds) =>
        Clean(text).Steps[0].Timeout.ShouldBe(nanoseconds);

    [Theory]
    [InlineData("nop timeout 18446744074s")]
    [InlineData("nop timeout 18446744073709551615ns")]
    [InlineData("nop timeout -1ms")]
    public void Assemble_DurationOutOfRange_IsAnError(string text) =>
        Error(text).Message.ShouldBe("a duration is a non-negative time that fits 64 bits of nanoseconds");

    [Theory]
    [InlineData("nop tag -1")]
    [InlineData("nop tag 1ms")]
    public void Assemble_SignedOrUnitTag_IsAnError(string text) =>
        Error(text).Message.ShouldBe("a tag is an unsigned 64-bit number");

    [Theory]
    [InlineData("nop LINK", SqeLink.Link)]
    [InlineData("nop HardLink", SqeLink.HardLink)]
    [InlineData("nop", SqeLink.None)]
    public void Assemble_LinkModifiers_IgnoreCase(string text, SqeLink link) => Clean(text + "\nnop").Steps[0].Link.ShouldBe(link);

    [Theory]
    [InlineData("close 1, 2", "close takes 1 argument (fd); this is one too many")]
    [InlineData("nop 1", "nop takes 0 arguments (none); this is one too many")]
    [InlineData("read 1, b, 4, 0, 5", "read takes 4 arguments (fd, buffer, count, [offset]); this is one too many")]
    [InlineData("close", "close needs 1 argument (fd); expected 'fd' here")]
    [InlineData("read 1", "read needs 3 arguments (fd, buffer, count, [offset]); expected 'buffer' here")]
    public void Assemble_WrongArgumentCount_SaysTheSignature(string line, string message) =>
        Error("buffer b 4\n" + line).Message.ShouldBe(message);

    [Theory]
    [InlineData("read len(b), b, 4", "'fd' takes a descriptor (a number or a register); len(...) is a count")]
    [InlineData("read \"x\", b, 4", "'fd' takes a descriptor (a number or a register), not a string")]
    [InlineData("read 1, b, 1|2", "'count' takes one value; '|' combines flags only")]
    [InlineData("read 1, b, 4ms", "'4ms' has a unit; 'count' takes a count (a number, len(NAME) or a register)")]
    [InlineData("seek 1, -9223372036854775809, SET", "'-9223372036854775809' does not fit a signed 64-bit number")]
    [InlineData("open 5", "a path is a string literal or a data name")]
    [InlineData("read 1, b, ,", "expected 'count' (a count (a number, len(NAME) or a register)), found ','")]
    [InlineData("cancel 1, READ", "'READ' is an open-flag constant, but 'mode' takes a cancel mode (ALL, ANY or a register)")]
    [InlineData("open \"/x\", READ, SET", "'SET' is a whence constant, but 'dir' takes a directory descriptor (a number, a register or NONE)")]
    [InlineData("seek 1, CUR, SET", "'CUR' is a whence constant, but 'offset' takes a signed offset (a number or a register)")]
    [InlineData("close ALL", "'ALL' is a cancel-mode constant, but 'fd' takes a descriptor (a number or a register)")]
    [InlineData("read 1, b, 4, NONE", "'NONE' is a dir constant, but 'offset' takes an offset (a number, CUR or a register)")]
    [InlineData("poll 1, READ|", "expected poll events (")]
    [InlineData("seek 1, 0, ANY", "'ANY' is a cancel-mode constant, but 'whence' takes a whence (SET, END, CUR or a register)")]
    [InlineData("cancel HUP", "'HUP' is a poll-event constant, but 'tag' takes a tag (a number or a register)")]
    [InlineData("read 1, CREATE, 4", "'CREATE' is an open-flag constant, but 'buffer' takes a buffer (a buffer or data name, a string, a register or an address)")]
    public void Assemble_WrongArgumentForm_SaysWhatTheParameterTakes(string line, string message) =>
        Error("buffer b 4\n" + line).Message.ShouldStartWith(message);

    [Fact]
    public void Assemble_SignedOffset_TakesTheMostNegativeValue() =>
        Clean("seek 1, -9223372036854775808, SET").Steps[0].Args[3].Value.ShouldBe(0x8000_0000_0000_0000UL);

    [Fact]
    public void Assemble_RawValues_CombineWithPipe() =>
        Clean("op 9 1|2|0x10").Steps[0].Args[0].Value.ShouldBe(0x13UL);

    [Fact]
    public void Assemble_UnknownPathName_IsOneError()
    {
        var error = Error("open nowhere");
        error.Where.Column.ShouldBe(6);
        error.Message.ShouldBe("unknown name 'nowhere': expected a buffer or data declared in this program");
    }

    [Fact]
    public void Assemble_DataNameAsPath_FillsAddressAndLength()
    {
        var args = Clean("data p \"/x\"\nopen p").Steps[0].Args;
        args[1].ShouldBe(UnlinkedOperand.AddressOf("p", new SourceSpan("e.vr", 2, 6)));
        args[2].ShouldBe(UnlinkedOperand.LengthOf("p", new SourceSpan("e.vr", 2, 6)));
    }

    [Fact]
    public void Assemble_StringBuffer_IsALiteralWithoutALength()
    {
        var model = Clean("write 1, \"hi\", 2");
        var literal = model.Symbols.Single();
        literal.IsLiteral.ShouldBeTrue();
        literal.Initial.ShouldBe("hi"u8.ToArray());
        model.Steps[0].Args[1].Symbol.ShouldBe(literal.Name);
        model.Steps[0].Args[2].ShouldBe(UnlinkedOperand.Immediate(2, new SourceSpan("e.vr", 1, 16)));
    }
}
