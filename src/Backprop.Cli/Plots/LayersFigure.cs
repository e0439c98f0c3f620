using System.Globalization;
using ScottPlot;

namespace Backprop.Cli.Plots;

/// <summary>
/// The figure of <c>plot --layers</c>: each layer's weight-gradient norm against epoch on a log
/// axis and, below it, each layer's update ratio ‖ΔW‖/‖W‖ with a reference line at 1e-3.
/// </summary>
public static class LayersFigure
{
    /// <summary>The update ratio Karpathy's rule of thumb calls healthy.</summary>
    public const double ReferenceRatio = 1e-3;

    /// <summary>The image width in pixels.</summary>
    public const int Width = 1100;

    /// <summary>The image height in pixels.</summary>
    public const int Height = 900;

    /// <summary>Builds the figure.</summary>
    public static Multiplot Create(LayerCurves curves, string title)
    {
        var gradients = new Plot();
        var figure = new Multiplot(gradients);
        Style(gradients, title, "‖∂L/∂W‖ (log scale)");
        Lines(gradients, curves.GradientNorms);
        FigureStyle.LogAxis(gradients, curves.GradientNorms.SelectMany(c => c.Values));
        if (curves.Dropped > 0)
        {
            var note = gradients.Add.Annotation(
                $"{curves.Dropped.ToString(CultureInfo.InvariantCulture)} zero, negative or non-finite values left out of the log axes", Alignment.LowerLeft);
            note.LabelFontSize = 13;
        }

        var ratios = figure.AddPlot();
        Style(ratios, "Update ratio per layer", "‖ΔW‖ / ‖W‖ (log scale)");
        Lines(ratios, curves.UpdateRatios);
        var reference = ratios.Add.HorizontalLine(Math.Log10(ReferenceRatio), 1.5f, Colors.Gray, LinePattern.Dashed);
        reference.LegendText = "1e-3 (rule of thumb)";
        FigureStyle.LogAxis(ratios, curves.UpdateRatios.SelectMany(c => c.Values).Append(Math.Log10(ReferenceRatio)));

        figure.SharedAxes.ShareX([gradients, ratios]);
        var rows = new ScottPlot.MultiplotLayouts.DraggableRows();
        rows.SetHeights([Height * 0.55f, Height * 0.45f]);
        figure.Layout = rows;
        return figure;
    }

    private static void Style(Plot plot, string title, string yLabel)
    {
        // The legend stands right of the plot, where it cannot hide the curves' ends.
        FigureStyle.EpochPanel(plot, title, yLabel, new PixelPadding(90, 240, 60, 45));
        plot.ShowLegend(Edge.Right);
    }

    private static void Lines(Plot plot, Curve[] curves)
    {
        var palette = new ScottPlot.Palettes.Category10();
        for (var i = 0; i < curves.Length; i++)
        {
            var curve = curves[i];
            if (curve.IsEmpty) continue;
            var line = plot.Add.Scatter(curve.Epochs, curve.Values, palette.GetColor(i));
            line.LegendText = curve.Name;
            line.LineWidth = 2;
            line.MarkerSize = curve.Epochs.Length <= 60 ? 5 : 0;
        }
    }
}
