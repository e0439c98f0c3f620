using ScottPlot;
using ScottPlot.TickGenerators;

namespace Backprop.Cli.Plots;

/// <summary>What every figure shares: a sans-serif font.</summary>
public static class FigureStyle
{
    private static readonly string[] SansFamilies = ["DejaVu Sans", "Liberation Sans", "Arial", "Helvetica", "Noto Sans", "Segoe UI"];

    // ScottPlot asks Skia for the system default, which on many Linux machines (no fontconfig
    // alias) is a serif face; plots read better in a sans-serif one when the machine has it.
    private static readonly Lazy<string?> Sans = new(() =>
        SansFamilies.FirstOrDefault(name => Fonts.GetTypeface(name, false, false)?.FamilyName == name));

    /// <summary>Applies the shared style to <paramref name="plot"/>.</summary>
    public static void Apply(Plot plot)
    {
        if (Sans.Value is { } family) plot.Font.Set(family);
    }

    /// <summary>
    /// A panel whose x axis is the epoch: the shared style, fixed margins (the same in every panel of
    /// a figure keep their epoch axes aligned, whatever the width of their tick labels), title and labels.
    /// </summary>
    public static void EpochPanel(Plot plot, string title, string yLabel, PixelPadding margins)
    {
        Apply(plot);
        plot.Layout.Fixed(margins);
        plot.Title(title, 18);
        plot.XLabel("epoch", 15);
        plot.YLabel(yLabel, 15);
        plot.Axes.Bottom.TickGenerator = new NumericAutomatic { IntegerTicksOnly = true };
        plot.Legend.FontSize = 14;
    }

    /// <summary>
    /// The left axis of a panel whose values are log10 of the data (<paramref name="positions"/>):
    /// ticks at the powers of ten and their multiples (<see cref="LogTicks"/>), labelled in the data's units.
    /// </summary>
    public static void LogAxis(Plot plot, IEnumerable<double> positions)
    {
        var values = positions.ToArray();
        if (values.Length == 0) return;
        var ticks = new NumericManual();
        foreach (var tick in LogTicks.For(values.Min() - 0.05, values.Max() + 0.05))
        {
            if (tick.Major) ticks.AddMajor(tick.Position, tick.Label);
            else ticks.AddMinor(tick.Position);
        }
        plot.Axes.Left.TickGenerator = ticks;
    }
}
