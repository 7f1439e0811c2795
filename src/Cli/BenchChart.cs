using System.Globalization;
using ScottPlot;
using VerbRing.Kernel;
using VerbRing.Tooling.Benchmarking;

namespace VerbRing.Cli;

/// <summary>
/// <c>verbring bench --plot FILE.svg</c>: the ratio table as a bar chart (ScottPlot, rendered headless to SVG). One
/// row per run that has a baseline — "group: run ÷ baseline", in the table's order — and one bar in it per kernel
/// (the series, in the legend): the run's time over its group's first row measured back to back, on a log scale
/// from the dashed line at 1, so a bar to the right is slower than the baseline and one to the left faster.
/// </summary>
internal static class BenchChart
{
    private const int Width = 960;
    private const int RowHeight = 46;
    private const int Frame = 170;

    /// <summary>One colour per kernel, the same in every chart.</summary>
    private static readonly Dictionary<KernelPlacement, Color> KernelColours = new()
    {
        [KernelPlacement.InProcess] = Color.FromHex("#1F77B4"),
        [KernelPlacement.KernelThread] = Color.FromHex("#FF7F0E"),
        [KernelPlacement.Server] = Color.FromHex("#2CA02C"),
    };

    /// <summary>The chart of <paramref name="results"/> as SVG text, headed <paramref name="title"/>.</summary>
    public static string Svg(IReadOnlyList<Measurement> results, string title)
    {
        ArgumentNullException.ThrowIfNull(results);
        var rows = Rows(results);
        using var plot = Draw(rows, results.Select(m => m.Kernel).Distinct().ToList(), title);
        return plot.GetSvgXml(Width, Frame + (RowHeight * Math.Max(1, rows.Count)));
    }

    /// <summary>
    /// The runs that have a baseline, as chart rows in the table's order: each group's first row (per kernel) is its
    /// baseline and gets no bar; every later run of the group is a row, with its ratio on each kernel that ran it.
    /// </summary>
    internal static List<ChartRow> Rows(IReadOnlyList<Measurement> results)
    {
        var rows = new List<ChartRow>();
        foreach (var group in results.GroupBy(m => (m.Kernel, m.Group)))
        {
            var baseline = group.First();
            foreach (var run in group.Skip(1))
            {
                var label = $"{run.Group}: {run.Name} ÷ {baseline.Name}";
                var row = rows.Find(r => r.Label == label);
                if (row is null)
                {
                    row = new ChartRow(label, []);
                    rows.Add(row);
                }

                row.Ratios[run.Kernel] = run.Ratio;
            }
        }

        return rows;
    }

    private static Plot Draw(List<ChartRow> rows, List<KernelPlacement> kernels, string title)
    {
        var plot = new Plot();
        var slots = kernels.Count + 1;
        var bars = new List<Bar>();
        var ticks = new List<Tick>();
        for (var r = 0; r < rows.Count; r++)
        {
            // The first row on top: rows count down from the top of the axis, kernels within a row likewise.
            var top = (rows.Count - 1 - r) * slots;
            ticks.Add(new Tick(top + ((kernels.Count - 1) / 2.0), rows[r].Label));
            for (var k = 0; k < kernels.Count; k++)
            {
                if (rows[r].Ratios.TryGetValue(kernels[k], out var ratio))
                {
                    bars.Add(new Bar
                    {
                        Position = top + (kernels.Count - 1 - k),
                        Value = Math.Log10(ratio),
                        FillColor = KernelColours[kernels[k]],
                        LineWidth = 0,
                        Size = 0.85,
                        Label = ratio.ToString("0.00", CultureInfo.InvariantCulture),
                    });
                }
            }
        }

        var barPlot = plot.Add.Bars(bars);
        barPlot.Horizontal = true;
        barPlot.ValueLabelStyle.FontSize = 11;
        var one = plot.Add.VerticalLine(0, 1.5f, Colors.Black.WithAlpha(0.6), LinePattern.Dashed);
        one.ExcludeFromLegend = true;

        foreach (var kernel in kernels)
        {
            plot.Legend.ManualItems.Add(new LegendItem { LabelText = QuickBench.Name(kernel), FillColor = KernelColours[kernel] });
        }

        plot.ShowLegend(Edge.Right);
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual([.. ticks]);
        plot.Axes.Left.MajorTickStyle.Length = 0;
        plot.Grid.YAxisStyle.IsVisible = false;
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual([.. LogTicks(bars)]);
        var left = Math.Min(-0.35, bars.Count == 0 ? 0 : bars.Min(b => b.Value) - 0.25);
        var right = Math.Max(0.35, bars.Count == 0 ? 0 : bars.Max(b => b.Value) + 0.45);
        plot.Axes.SetLimitsX(left, right);
        plot.Axes.SetLimitsY(-0.8, Math.Max(0, (rows.Count * slots) - 1.2));
        plot.Font.Set(Fonts.Sans);
        plot.Title(title);
        plot.XLabel("time ÷ the group's baseline (log scale; dashed: 1, as fast as the baseline)");
        return plot;
    }

    /// <summary>
    /// Ticks at 1, 2 and 5 times each power of ten the bars reach (at the powers alone past three of them), labelled
    /// as ratios ("0.5×", "20×").
    /// </summary>
    private static IEnumerable<Tick> LogTicks(List<Bar> bars)
    {
        var low = (int)Math.Floor(Math.Min(0, bars.Count == 0 ? 0 : bars.Min(b => b.Value)));
        var high = (int)Math.Ceiling(Math.Max(0, bars.Count == 0 ? 0 : bars.Max(b => b.Value)));
        int[] steps = high - low > 3 ? [1] : [1, 2, 5];
        for (var power = low; power <= high; power++)
        {
            foreach (var step in steps)
            {
                var ratio = step * Math.Pow(10, power);
                yield return new Tick(Math.Log10(ratio), ratio.ToString("0.###", CultureInfo.InvariantCulture) + "×");
            }
        }
    }

    /// <summary>One row of the chart: what ran against what, and its ratio on each kernel that ran it.</summary>
    internal sealed record ChartRow(string Label, Dictionary<KernelPlacement, double> Ratios);
}
