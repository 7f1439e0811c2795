using System.Text.Json;
using VerbRing.Cli;
using VerbRing.Tests.Infrastructure;

namespace VerbRing.Tests.Benchmarking;

/// <summary><c>verbring bench</c>: the ratios the targets speak of, as JSON and as tables, and its exit codes.</summary>
public sealed class BenchCliTests
{
    [Fact]
    public void Bench_Json_MeasuresEveryKernelAndStatesEveryTarget()
    {
        var result = CliRunner.Run("bench", "--json", "--sample-ms", "1", "--samples", "1");

        result.ExitCode.ShouldBe(0, result.Error);
        using var json = JsonDocument.Parse(result.Out);
        var measurements = json.RootElement.GetProperty("measurements").EnumerateArray().ToList();
        measurements.Select(m => m.GetProperty("kernel").GetString()).Distinct().ShouldBe(["in-process", "kernel thread", "server"]);
        measurements.Count(m => m.GetProperty("group").GetString() == "chain").ShouldBe(13, "four runs and the direct baseline on each kernel, and the floor ring once");
        measurements.Where(m => m.GetProperty("name").GetString() == "floor ring").Select(m => m.GetProperty("kernel").GetString()).ShouldBe(["in-process"]);
        measurements.Where(m => m.GetProperty("group").GetString() == "handoff").Select(m => m.GetProperty("name").GetString())
            .ShouldBe(["socket chain", "chain", "single calls"], "the server's chain over the plain socket is the handoff's baseline");
        json.RootElement.GetProperty("hogs").GetInt32().ShouldBe(0);
        measurements.ShouldAllBe(m => m.GetProperty("ns").GetDouble() > 0);
        measurements.Where(m => m.GetProperty("name").GetString() == "direct" || m.GetProperty("name").GetString() == "unlinked")
            .ShouldAllBe(m => m.GetProperty("ratio").GetDouble() == 1);
        var targets = json.RootElement.GetProperty("targets").EnumerateArray().Select(t => t.GetProperty("target").GetString()).ToList();
        targets.ShouldBe(
        [
            "in-process NOP at batch 64", "5 linked NOPs ÷ 5 unlinked (in-process)", "chain ÷ direct calls (in-process)",
            "skip chain ÷ direct calls (in-process)", "skip chain ÷ floor ring (in-process)",
            "single calls ÷ chain (kernel thread)", "single calls ÷ chain (server)",
            "doorbell chain ÷ socket chain (server, idle)", "5 single enters ÷ socket chain (server, idle)", "server batched NOPs (x256)",
            "allocated in steady state (worst ring measurement)",
        ]);
        json.RootElement.GetProperty("targets").EnumerateArray().ShouldAllBe(t => t.GetProperty("met").ValueKind != JsonValueKind.Undefined);
    }

    [Fact]
    public void Bench_Plain_PrintsTheRatiosAndTheTargets()
    {
        var result = CliRunner.Run("bench", "--kernel", "in-process", "--sample-ms", "1", "--samples", "1");

        result.ExitCode.ShouldBe(0, result.Error);
        result.Out.ShouldContain("in-process     chain     single calls");
        result.Out.ShouldContain("nop x256");
        result.Out.ShouldContain("in-process NOP at batch 64:");
        result.Out.ShouldNotContain("server");
    }

    [Fact]
    public void Bench_OnATerminal_DrawsTablesAndABarChart()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        var code = CliApp.Run(["bench", "--kernel", "in-process", "--sample-ms", "1", "--samples", "1"], output, error, plain: false);

        code.ShouldBe(0, error.ToString());
        output.ToString().ShouldContain("single calls ÷ chain, per kernel");
        output.ToString().ShouldContain("targets (docs/benchmarks.md)");
        output.ToString().ShouldContain("╭");
    }

    [Fact]
    public void Bench_Plot_WritesTheRatiosAsAnSvgChart()
    {
        var chart = Path.Combine(Directory.CreateTempSubdirectory("verbring-plot-").FullName, "bench.svg");
        try
        {
            var result = CliRunner.Run("bench", "--kernel", "in-process", "--sample-ms", "1", "--samples", "1", "--plot", chart);

            result.ExitCode.ShouldBe(0, result.Error);
            var svg = System.Xml.Linq.XDocument.Load(chart);
            svg.Root!.Name.LocalName.ShouldBe("svg");
            var texts = svg.Descendants().Where(e => e.Name.LocalName == "text").Select(e => e.Value.Trim()).ToList();
            texts.ShouldContain("in-process");
            texts.ShouldContain("chain: single calls ÷ direct");
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(chart)!, recursive: true);
        }
    }

    [Fact]
    public void Bench_WithHogs_NamesThemInTheHandoffTargets()
    {
        var result = CliRunner.Run("bench", "--kernel", "server", "--hogs", "1", "--json", "--sample-ms", "1", "--samples", "1");

        result.ExitCode.ShouldBe(0, result.Error);
        using var json = JsonDocument.Parse(result.Out);
        json.RootElement.GetProperty("hogs").GetInt32().ShouldBe(1);
        var targets = json.RootElement.GetProperty("targets").EnumerateArray().Select(t => t.GetProperty("target").GetString()).ToList();
        targets.ShouldContain("doorbell chain ÷ socket chain (server, beside 1 hog)");
        targets.ShouldContain("5 single enters ÷ socket chain (server, beside 1 hog)");
    }

    [Theory]
    [InlineData("--hogs", "-1", "--hogs must be between 0 and 64")]
    [InlineData("--hogs", "65", "--hogs must be between 0 and 64")]
    [InlineData("--sample-ms", "0", "--sample-ms must be between 1 and 10000")]
    [InlineData("--samples", "0", "--samples must be between 1 and 1000")]
    [InlineData("--kernel", "gpu", "--kernel gpu: write one of in-process, kernel-thread, server, all")]
    [InlineData("--plot", "chart.png", "--plot takes a file name ending in .svg")]
    [InlineData("--plot", "/no/such/folder/chart.svg", "--plot: the folder of '/no/such/folder/chart.svg' does not exist")]
    public void Bench_BadInput_ExitsOneWithAClearMessage(string option, string value, string message)
    {
        var result = CliRunner.Run("bench", option, value);

        result.ExitCode.ShouldBe(CliApp.BadUsage);
        result.Error.ShouldContain(message);
        result.Error.TrimEnd().Split('\n').ShouldHaveSingleItem("one clear line");
        result.Out.ShouldBeEmpty();
    }
}
