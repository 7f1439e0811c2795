using System.Globalization;
using System.Text;
using FsCheck.Xunit;
using VerbRing.Tests.Properties;
using VerbRing.Verbs;
using VerbRing.Verbs.Programs;

namespace VerbRing.Tests.Programs;

/// <summary>For random programs, disassemble(assemble(text)) assembles to identical SQEs and an identical image.</summary>
public sealed class RoundTripProperties
{
    [Property(Arbitrary = [typeof(Seeds)], MaxTest = 500)]
    public void Disassemble_ThenAssemble_GivesIdenticalSqes(int seed)
    {
        var text = RandomProgram(new Random(seed));
        var first = Link(text, "random.vr");
        var again = Disassembler.Disassemble(first);
        var second = Link(again, "disassembled.vr");
        if (!first.Sqes.SequenceEqual(second.Sqes) || !first.Image.SequenceEqual(second.Image))
        {
            throw new InvalidOperationException($"seed {seed}: round trip changed the program.\n--- source\n{text}\n--- disassembled\n{again}");
        }
    }

    [Fact]
    public void Disassemble_SqeTheNamedFormCannotSay_FallsBackToRawOp()
    {
        var program = Link("data p \"/x\"\nop 4 r1, p, 2, 1\nop 4 1, p, 1, 1\nop 1 3, 0x10000000, 4, 0xffffffffffffffff, 9\nop 500 r2", "raw.vr");
        var text = Disassembler.Disassemble(program);
        text.ShouldContain("open   p, READ, r1"); // the named form can say this one
        text.ShouldContain("op 1 3, p, 4, 0xffffffffffffffff, 9");
        text.ShouldContain("op 4 1, p, 1, 1"); // the path's length is not p's: no named form
        text.ShouldContain("op 500 r2");
        Link(text, "again.vr").Sqes.SequenceEqual(program.Sqes).ShouldBeTrue();
    }

    [Fact]
    public void Disassemble_LiteralAddressOfABufferItsCountOverruns_StaysANumberSoTheTextStillVerifies()
    {
        // Found by the coverage-guided assembler target on read-errors.vr: the literal address was named "buf", and
        // the verifier refuses a count of 2^31 into an 8-byte buf by name (not as a number).
        var program = LinkedProgram.FromText("buffer buf 8\nread 3, 0x10000000, 0x80000000\nread 3, 0x10000000, 8", "overrun.vr", new RingCapacity());

        var text = Disassembler.Disassemble(program);

        text.ShouldContain("read   3, 0x10000000, 2147483648");
        text.ShouldContain("read   3, buf, 8");
        LinkedProgram.FromText(text, "again.vr", new RingCapacity()).Sqes.SequenceEqual(program.Sqes).ShouldBeTrue();
    }

    private static LinkedProgram Link(string text, string file)
    {
        var model = Assembler.Assemble(text, file, out var diagnostics);
        diagnostics.Where(d => d.Severity == Severity.Error).ShouldBeEmpty(text);
        return ProgramLinker.LinkUnchecked(model, diagnostics);
    }

    private static string RandomProgram(Random random)
    {
        var text = new StringBuilder();
        var buffers = new List<string>();
        var datas = new List<string>();
        for (var i = random.Next(0, 4); i > 0; i--)
        {
            if (random.Next(2) == 0)
            {
                var name = $"b{buffers.Count}";
                buffers.Add(name);
                text.Append(CultureInfo.InvariantCulture, $"buffer {name} {random.Next(1, 300)}\n");
            }
            else
            {
                var name = $"d{datas.Count}";
                datas.Add(name);
                text.Append(CultureInfo.InvariantCulture, $"data {name} {RandomString(random)}\n");
            }
        }

        for (var i = random.Next(0, 3); i > 0; i--)
        {
            text.Append(CultureInfo.InvariantCulture, $"set r{random.Next(7)} {(random.Next(2) == 0 ? random.NextInt64(-5, 5) : random.NextInt64())}\n");
        }

        var steps = random.Next(1, 14);
        var symbols = buffers.Concat(datas).ToList();
        var loopEnds = -1; // the last step of an open loop block
        for (var i = 0; i < steps; i++)
        {
            var raw = random.Next(8) == 0;
            var verb = VerbCatalogue.All[random.Next(VerbCatalogue.All.Count)];
            if (verb.Op == (uint)Op.Loop && (loopEnds >= 0 || i == steps - 1))
            {
                verb = VerbCatalogue.Find("nop")!; // blocks do not nest, and a body needs a step
            }

            var line = new StringBuilder(raw ? $"op {random.Next(0, 40)}" : verb.Name);
            var parameters = raw ? Assembler.RawVerb(0).Params : verb.Params;
            var given = random.Next(raw ? 0 : verb.RequiredCount, parameters.Count + 1);
            var args = parameters.Take(given).Select(p => RandomArg(random, p, symbols, datas)).ToList();
            if (args.Count > 0)
            {
                line.Append(' ').Append(string.Join(", ", args));
            }

            if (random.Next(3) == 0)
            {
                line.Append(CultureInfo.InvariantCulture, $" -> r{random.Next(7)}");
            }

            line.Append(random.Next(4) switch { 0 => " link", 1 => " hardlink", _ => "" });
            line.Append(random.Next(4) == 0 ? " skip" : "").Append(random.Next(6) == 0 ? " drain" : "");
            line.Append(random.Next(5) switch
            {
                0 => $" timeout {random.Next(1, 5000)}{new[] { "ns", "us", "ms", "s" }[random.Next(4)]}",
                1 => " timeout never",
                _ => "",
            });
            if (random.Next(4) == 0)
            {
                line.Append(CultureInfo.InvariantCulture, $" tag {1000 + i}");
            }

            text.Append(line).Append('\n');
            if (loopEnds == i)
            {
                text.Append("end\n");
                loopEnds = -1;
            }
            else if (!raw && verb.Op == (uint)Op.Loop)
            {
                loopEnds = random.Next(i + 1, steps);
            }
        }

        return text.ToString();
    }

    private static string RandomArg(Random random, VerbParam param, List<string> symbols, List<string> datas)
    {
        if (param.Kind != ParamKind.Path && random.Next(5) == 0)
        {
            return $"r{random.Next(7)}";
        }

        return param.Kind switch
        {
            ParamKind.Path => datas.Count > 0 && random.Next(2) == 0 ? datas[random.Next(datas.Count)] : RandomString(random),
            ParamKind.Buffer => random.Next(3) switch
            {
                0 when symbols.Count > 0 => symbols[random.Next(symbols.Count)],
                1 => RandomString(random),
                _ => $"0x{random.NextInt64():x}",
            },
            ParamKind.Count => symbols.Count > 0 && random.Next(2) == 0 ? $"len({symbols[random.Next(symbols.Count)]})" : random.Next(0, 5000).ToString(CultureInfo.InvariantCulture),
            ParamKind.FileOffset => random.Next(2) == 0 ? "CUR" : random.NextInt64(0, long.MaxValue).ToString(CultureInfo.InvariantCulture),
            ParamKind.SignedOffset => random.NextInt64(long.MinValue, long.MaxValue).ToString(CultureInfo.InvariantCulture),
            ParamKind.Whence => new[] { "SET", "END", "CUR", "0", "7" }[random.Next(5)],
            ParamKind.OpenFlags => random.Next(3) == 0 ? $"0x{random.Next(0, 200):x}" : string.Join("|", new[] { "READ", "WRITE", "CREATE", "TRUNCATE", "APPEND", "EXCLUSIVE" }.Where(_ => random.Next(2) == 0).DefaultIfEmpty("READ")),
            ParamKind.PollEvents => random.Next(3) == 0 ? random.Next(0, 100).ToString(CultureInfo.InvariantCulture) : string.Join("|", new[] { "READ", "WRITE", "ERROR", "HUP", "NVAL" }.Where(_ => random.Next(2) == 0).DefaultIfEmpty("HUP")),
            ParamKind.DirFd => random.Next(2) == 0 ? "NONE" : random.Next(0, 64).ToString(CultureInfo.InvariantCulture),
            ParamKind.Compare => new[] { "EQ", "NE", "LT", "LE", "GT", "GE", "0", "9" }[random.Next(8)],
            ParamKind.Bound => random.Next(0, 70_000).ToString(CultureInfo.InvariantCulture),
            ParamKind.Value => random.Next(3) == 0 && symbols.Count > 0 ? symbols[random.Next(symbols.Count)] : random.Next(2) == 0 ? random.NextInt64(-100, 100).ToString(CultureInfo.InvariantCulture) : $"0x{random.NextInt64():x}",
            _ => random.Next(0, 100).ToString(CultureInfo.InvariantCulture),
        };
    }

    private static string RandomString(Random random)
    {
        var pieces = new[] { "a", "/", "Z", "..", "\\n", "\\t", "\\\\", "\\\"", "\\x7f", "\\0", "é", "ring", " ", "#" };
        return "\"" + string.Concat(Enumerable.Range(0, random.Next(0, 8)).Select(_ => pieces[random.Next(pieces.Length)])) + "\"";
    }
}
