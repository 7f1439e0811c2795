using System.Text;
using BenchmarkDotNet.Attributes;
using VerbRing.Verbs.Programs;

namespace VerbRing.Benchmarks;

/// <summary>
/// What <c>verbring check</c>, <c>run</c> and <c>ProgramBuilder.Build</c> share — assemble, verify, link — on
/// programs of 1 K (the baseline), 10 K, 100 K and 1 M lines. The mean is per line: a quadratic term would grow
/// it tenfold at every step (the verifier this replaced took 4.2 s for 10 K lines and minutes for 100 K); what
/// grows it here is the garbage collector once a program outlives gen0, and from 100 K to 1 M it stays flat.
/// Each program is valid and each run checks that it linked every step.
/// </summary>
public class VerifierBenchmarks
{
    // Five lines a block: a chain that saves a register and loads it, a step that may pend, a NOP with a timeout.
    private const string Block =
        "open path, READ|WRITE|CREATE -> r0 link\nseek r0, 0, SET link\nclose r0\nwrite 1, buf, len(buf)\nnop timeout 1ms\n";

    private static readonly RingCapacity Capacity = new(64, 1 << 20);
    private string _lines1K = "", _lines10K = "", _lines100K = "", _lines1M = "";

    /// <summary>Writes the three programs once.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _lines1K = Program(1_000);
        _lines10K = Program(10_000);
        _lines100K = Program(100_000);
        _lines1M = Program(1_000_000);
    }

    /// <summary>1 000 lines.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = 1_000)]
    public LinkedProgram Check1K() => Check(_lines1K, 1_000);

    /// <summary>10 000 lines.</summary>
    [Benchmark(OperationsPerInvoke = 10_000)]
    public LinkedProgram Check10K() => Check(_lines10K, 10_000);

    /// <summary>100 000 lines.</summary>
    [Benchmark(OperationsPerInvoke = 100_000)]
    public LinkedProgram Check100K() => Check(_lines100K, 100_000);

    /// <summary>1 000 000 lines (more than the 16 MiB the command line reads: the library has no cap).</summary>
    [Benchmark(OperationsPerInvoke = 1_000_000)]
    public LinkedProgram Check1M() => Check(_lines1M, 1_000_000);

    private static LinkedProgram Check(string text, int lines)
    {
        var model = Assembler.Assemble(text, "bench.vr", out var diagnostics);
        var program = diagnostics.Count == 0 ? LinkedProgram.TryLink(model, Capacity, out diagnostics) : null;
        return program is not null && diagnostics.Count == 0 && program.Sqes.Length == lines - 2
            ? program
            : throw new InvalidOperationException($"the {lines}-line program did not check cleanly: {string.Join("; ", diagnostics.Take(3))}");
    }

    /// <summary>A program of exactly <paramref name="lines"/> lines: two declarations, then blocks of steps.</summary>
    private static string Program(int lines)
    {
        var text = new StringBuilder("data path \"/bench.txt\"\nbuffer buf 64\n");
        var blocks = Block.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i < lines - 2; i++)
        {
            text.Append(blocks[i % blocks.Length]).Append('\n');
        }

        return text.ToString();
    }
}
