using System.Globalization;
using System.Xml.Linq;
using VerbRing.Cli;
using VerbRing.Tooling.Benchmarking;
using VerbRing.Kernel;

namespace VerbRing.Tests.Benchmarking;

/// <summary>
/// <c>bench --plot</c>'s chart, rendered from a fixed set of results: a well-formed SVG with a bar per run that has a
/// baseline on each kernel, the kernels as its series and the runs as its rows.
/// </summary>
public sealed class BenchChartTests
{
    /// <summary>Two groups on two kernels, one run only on the server: what a quick bench reports, made up.</summary>
    private static readonly Measurement[] Results =
    [
        new("chain", "direct", KernelPlacement.InProcess, "chain", 300, 0, 1),
        new("chain", "single calls", KernelPlacement.InProcess, "chain", 900, 0, 3),
        new("chain", "chain", KernelPlacement.InProcess, "chain", 750, 0, 2.5),
        new("nop x64", "unlinked", KernelPlacement.InProcess, "SQE", 30, 0, 1),
        new("nop x64", "linked", KernelPlacement.InProcess, "SQE", 24, 0, 0.8),
        new("chain", "direct", KernelPlacement.Server, "chain", 300, 0, 1),
        new("chain", "single calls", KernelPlacement.Server, "chain", 6000, 0, 20),
        new("chain", "chain", KernelPlacement.Server, "chain", 900, 0, 3),
        new("handoff", "socket chain", KernelPlacement.Server, "chain", 2000, 0, 1),
        new("handoff", "chain", KernelPlacement.Server, "chain", 900, 0, 0.45),
        new("nop x64", "unlinked", KernelPlacement.Server, "SQE", 60, 0, 1),
        new("nop x64", "linked", KernelPlacement.Server, "SQE", 66, 0, 1.1),
    ];

    [Fact]
    public void Svg_FixedResults_IsAWellFormedNonEmptySvg()
    {
        var svg = BenchChart.Svg(Results, "a fixed run");

        svg.Length.ShouldBeGreaterThan(1000);
        var document = XDocument.Parse(svg);
        document.Root!.Name.LocalName.ShouldBe("svg");
        int.Parse(document.Root.Attribute("width")!.Value, CultureInfo.InvariantCulture).ShouldBeGreaterThan(0);
        Texts(document).ShouldContain("a fixed run");
    }

    [Fact]
    public void Svg_FixedResults_NamesEveryKernelAsASeriesAndEveryRunWithABaselineAsARow()
    {
        var texts = Texts(XDocument.Parse(BenchChart.Svg(Results, "a fixed run")));

        texts.ShouldContain("in-process");
        texts.ShouldContain("server");
        texts.ShouldNotContain("kernel thread", "no result came from the kernel thread");
        foreach (var run in Results.GroupBy(m => (m.Kernel, m.Group)).SelectMany(g => g.Skip(1).Select(m => $"{m.Group}: {m.Name} ÷ {g.First().Name}")).Distinct())
        {
            texts.ShouldContain(run);
        }

        texts.ShouldNotContain("chain: direct ÷ direct", "a baseline is the dashed line, not a bar");
    }

    [Fact]
    public void Svg_FixedResults_DrawsOneBarPerRunAndKernelInTheKernelsColour()
    {
        var document = XDocument.Parse(BenchChart.Svg(Results, "a fixed run"));
        var fills = document.Descendants().Where(e => e.Name.LocalName == "rect").Select(e => (string?)e.Attribute("fill")).ToList();

        // Each kernel's bars, plus its swatch in the legend.
        var barsPerKernel = Results.GroupBy(m => (m.Kernel, m.Group)).SelectMany(g => g.Skip(1)).GroupBy(m => m.Kernel).ToDictionary(g => g.Key, g => g.Count());
        fills.Count(f => f == "#1F77B4").ShouldBe(barsPerKernel[KernelPlacement.InProcess] + 1);
        fills.Count(f => f == "#2CA02C").ShouldBe(barsPerKernel[KernelPlacement.Server] + 1);
        fills.ShouldNotContain("#FF7F0E");
    }

    [Fact]
    public void Svg_FixedResults_LabelsEachBarWithItsRatio()
    {
        var texts = Texts(XDocument.Parse(BenchChart.Svg(Results, "a fixed run")));

        foreach (var m in Results.GroupBy(m => (m.Kernel, m.Group)).SelectMany(g => g.Skip(1)))
        {
            texts.ShouldContain(m.Ratio.ToString("0.00", CultureInfo.InvariantCulture));
        }
    }

    private static List<string> Texts(XDocument svg) =>
        [.. svg.Descendants().Where(e => e.Name.LocalName == "text").Select(e => e.Value.Trim())];
}
