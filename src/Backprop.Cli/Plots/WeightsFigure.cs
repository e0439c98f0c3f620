using System.Globalization;
using Backprop.Cli.Commands;
using Backprop.Functional;
using Backprop.Functional.Numerics;
using ScottPlot;

namespace Backprop.Cli.Plots;

/// <summary>A gradient to draw beside the weights, with the sentence that says what it is.</summary>
public sealed record GradientPanel(Gradients Gradients, string Description);

/// <summary>
/// The <c>plot --weights</c> figure: one row per layer, the histogram of its weights on the
/// left and, when available, of the gradient with respect to them on the right.
/// </summary>
public static class WeightsFigure
{
    /// <summary>The image width in pixels.</summary>
    public const int Width = 1100;

    private const int RowHeight = 270;

    private const int HeaderHeight = 90;

    /// <summary>The image height for a network of <paramref name="layers"/> layers.</summary>
    public static int Height(int layers) => HeaderHeight + RowHeight * layers;

    /// <summary>Bins for a histogram of <paramref name="count"/> values: about √n, between 10 and 50.</summary>
    public static int BinsFor(int count) => Math.Clamp((int)Math.Ceiling(Math.Sqrt(count)), 10, 50);

    /// <summary>
    /// Builds the figure for <paramref name="network"/>; <paramref name="title"/> names the run
    /// and state, and the header says what the gradient panels show (or why there are none).
    /// </summary>
    public static Multiplot Create(Network network, string title, GradientPanel? gradient, string? whyNoGradient)
    {
        var header = new Plot();
        FigureStyle.Apply(header);
        header.HideAxesAndGrid();
        header.Title(title + "\n" + (gradient is not null
            ? $"left: weights W; right: gradient ∂L/∂W recomputed from the run's data (states store no gradients),\nL = {gradient.Description}"
            : $"weights W only, no gradient: {whyNoGradient}"), 15);
        var figure = new Multiplot(header);
        var columns = gradient is null ? 1 : 2;
        foreach (var (layer, i) in network.Layers.Select((l, i) => (l, i)))
        {
            var weights = Dense.Data(layer.Weight);
            var shape = $"[{layer.OutputWidth}×{layer.InputWidth}]";
            Panel(figure.AddPlot(), weights, Colors.C0,
                $"layer {i} {shape} ({layer.Activation.Name}): weights W, ‖W‖ = {Number(ShowCommand.Norm(weights))}", "weight value");
            if (gradient is null) continue;
            var values = Dense.Data(gradient.Gradients.Layers[i].Weight);
            Panel(figure.AddPlot(), values, Colors.C3,
                $"layer {i}: gradient ∂L/∂W, ‖∂L/∂W‖ = {Number(ShowCommand.Norm(values))}", "gradient value");
        }
        figure.Layout = new HeaderAndGrid(HeaderHeight, network.Layers.Count, columns);
        return figure;
    }

    private static void Panel(Plot plot, double[] values, Color color, string title, string xLabel)
    {
        var scale = AxisScale.For(values);
        var histogram = Histogram.Of(values.Select(scale.Apply).ToArray(), BinsFor(values.Length));
        var bars = Enumerable.Range(0, histogram.Counts.Length).Select(b => new Bar
        {
            Position = histogram.Centre(b),
            Value = histogram.Counts[b],
            Size = histogram.BinWidth,
            FillColor = color,
            LineWidth = 0,
        }).ToArray();
        FigureStyle.Apply(plot);
        plot.Add.Bars(bars);
        plot.Axes.Margins(bottom: 0);
        plot.Title(title, 13);
        plot.XLabel(scale.Label(xLabel), 12);
        plot.YLabel("count", 12);
    }


    private static string Number(double value) => value.ToString("G4", CultureInfo.InvariantCulture);
}
