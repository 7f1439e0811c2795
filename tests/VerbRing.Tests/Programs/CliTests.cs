using System.Text.Json;
using VerbRing.Tests.Infrastructure;

namespace VerbRing.Tests.Programs;

/// <summary>The verbring command line: the main job's trace and JSON, exit codes, and no stack traces.</summary>
public sealed class CliTests
{
    private static readonly string Hello = Repository.PathOf("examples/hello.vr");

    [Fact]
    public void Run_Hello_TracesTheDesignCardChain()
    {
        var result = CliRunner.Run("run", Hello);
        result.ExitCode.ShouldBe(0);
        var rows = result.Out.Split('\n').Where(l => l.Length > 0 && char.IsDigit(l.TrimStart()[0])).ToList();
        rows.Count.ShouldBe(5);
        rows[0].ShouldContain("OPEN");
        rows[1].ShouldContain(" 21  OK");
        rows[1].ShouldContain("\"Hello from the ring!\\n\"");
        rows[2].ShouldContain("SEEK");
        rows[3].ShouldContain(" 21  OK");
        rows[3].ShouldContain("\"Hello from the ring!\\n\"");
        rows[4].ShouldContain("CLOSE");
        result.Out.ShouldContain("registers: r0=0 r1=21 r2=21");
    }

    [Fact]
    public void Run_OnTheKernelThread_GivesTheSameTrace()
    {
        var inProcess = CliRunner.Run("run", Hello);
        var threaded = CliRunner.Run("run", Hello, "--kernel", "kernel-thread");
        threaded.ExitCode.ShouldBe(0, threaded.Error);
        threaded.Out.ShouldBe(inProcess.Out);
    }

    [Fact]
    public void Run_HelloJson_GivesTheSameAsData()
    {
        var result = CliRunner.Run("run", Hello, "--json");
        result.ExitCode.ShouldBe(0);
        using var json = JsonDocument.Parse(result.Out);
        var completions = json.RootElement.GetProperty("completions").EnumerateArray().ToList();
        completions.Select(c => c.GetProperty("verb").GetString()).ShouldBe(["OPEN", "WRITE", "SEEK", "READ", "CLOSE"]);
        completions.Select(c => c.GetProperty("errno").GetString()).ShouldAllBe(e => e == "OK");
        completions.Select(c => c.GetProperty("result").GetUInt64()).ShouldBe([0UL, 21UL, 0UL, 21UL, 0UL]);
        completions.Select(c => c.GetProperty("step").GetInt32()).ShouldBe([0, 1, 2, 3, 4]);
        json.RootElement.GetProperty("registers").EnumerateArray().Select(r => r.GetUInt64()).ShouldBe([0UL, 21UL, 21UL, 0UL, 0UL, 0UL, 0UL]);
    }

    [Fact]
    public void Run_FailedVerb_IsAResultNotACrash()
    {
        var result = CliRunner.Run("run", Repository.PathOf("examples/failing.vr"));
        result.ExitCode.ShouldBe(0);
        result.Out.ShouldContain("ENOENT");
        result.Out.ShouldContain("ECANCELED");
    }

    [Theory]
    [InlineData("open \"/x\", HUP\n", 2)]
    [InlineData("close r0\n", 2)]
    public void Run_BadProgram_ExitsTwoWithFileLineColumn(string text, int code)
    {
        var file = Path.Combine(Path.GetTempPath(), $"verbring-bad-{Guid.NewGuid():N}.vr");
        File.WriteAllText(file, text);
        try
        {
            foreach (var command in new[] { "run", "check", "disasm" })
            {
                var result = CliRunner.Run(command, file);
                result.ExitCode.ShouldBe(code);
                result.Error.ShouldMatch($@"{Path.GetFileName(file)}:1:\d+: error: ");
                result.Error.ShouldNotContain("   at ");
                result.Out.ShouldBeEmpty();
            }
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void Check_WarningOnly_ExitsZeroAndSaysOk()
    {
        var file = Path.Combine(Path.GetTempPath(), $"verbring-warn-{Guid.NewGuid():N}.vr");
        File.WriteAllText(file, "nop link\n");
        try
        {
            var result = CliRunner.Run("check", file);
            result.ExitCode.ShouldBe(0);
            result.Error.ShouldContain("warning: 'link' on the last step");
            result.Out.ShouldStartWith("ok: 1 step in 1 chain,");
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Theory]
    [InlineData("run", "/no/such/file.vr")]
    public void Run_MissingFile_ExitsTwoWithAMessage(string command, string file)
    {
        var result = CliRunner.Run(command, file);
        result.ExitCode.ShouldBe(2);
        result.Error.ShouldContain("cannot read the program");
    }

    [Theory]
    [InlineData("run", "HELLO", "--bogus")]
    [InlineData("run")]
    [InlineData("frobnicate")]
    [InlineData("run", "HELLO", "--sq", "3")]
    [InlineData("run", "HELLO", "--sq", "x")]
    [InlineData("run", "HELLO", "--timeout", "soon")]
    [InlineData("run", "HELLO", "--fds", "0")]
    [InlineData("run", "HELLO", "--seed", "/no/such/folder")]
    public void Run_BadCommandLine_ExitsOneWithAMessage(params string[] args)
    {
        var result = CliRunner.Run([.. args.Select(a => a == "HELLO" ? Hello : a)]);
        result.ExitCode.ShouldBe(1);
        result.Error.ShouldStartWith("verbring: ");
        result.Error.ShouldNotContain("   at ");
    }

    [Fact]
    public void Run_MoreStepsThanTheSqHolds_RunsInBatchesWithoutSplittingAChain()
    {
        var file = Path.Combine(Path.GetTempPath(), $"verbring-batches-{Guid.NewGuid():N}.vr");
        var text = string.Concat(Enumerable.Range(0, 10).Select(i => i % 3 == 2 ? "nop\n" : "nop link\n")) + "nop\n";
        File.WriteAllText(file, text);
        try
        {
            var result = CliRunner.Run("run", file, "--sq", "4", "--cq", "2", "--json");
            result.ExitCode.ShouldBe(0, result.Error);
            using var json = JsonDocument.Parse(result.Out);
            json.RootElement.GetProperty("completions").EnumerateArray().Select(c => c.GetProperty("errno").GetString())
                .ShouldBe(Enumerable.Repeat("OK", 11));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void Help_ListsTheCommands()
    {
        var result = CliRunner.Run("--help");
        result.ExitCode.ShouldBe(0);
        foreach (var command in new[] { "run", "check", "disasm", "demo" })
        {
            result.Out.ShouldContain(command);
        }
    }

    [Fact]
    public void NoCommand_PrintsTheCommandsAndPointsAtTheDemo()
    {
        var result = CliRunner.Run();
        result.ExitCode.ShouldBe(0);
        result.Out.ShouldContain("Usage: verbring <command>");
        result.Out.ShouldContain("'verbring demo'");
        result.Out.ShouldNotContain("read back:", customMessage: "the demo itself runs only when asked for");
    }

    [Fact]
    public void Demo_RunsTheDesignCardsChain()
    {
        var result = CliRunner.Run("demo");
        result.ExitCode.ShouldBe(0);
        result.Out.ShouldContain("read back: \"Hello from the ring!\\n\"");
    }
}
