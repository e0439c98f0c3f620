using ScottPlot;

namespace Backprop.Cli.Plots;

/// <summary>
/// The loss figure of <c>plot</c>: training and validation loss against epoch and, below it
/// when the run measured it, validation accuracy on the same epoch axis.
/// </summary>
public static class LossFigure
{
    /// <summary>The image width in pixels.</summary>
    public const int Width = 1000;

    /// <summary>The image height: taller when the accuracy panel is drawn.</summary>
    public static int Height(LossCurves curves) => curves.HasAccuracy ? 820 : 560;

    /// <summary>Builds the figure; <paramref name="logScale"/> puts the loss on a log10 axis.</summary>
    public static Multiplot Create(LossCurves curves, string title, bool logScale)
    {
        var loss = new Plot();
        var figure = new Multiplot(loss);
        var shown = logScale ? curves.Log10() : curves;
        Style(loss, title, logScale ? "loss (log scale)" : "loss");
        Line(loss, shown.Loss, Colors.C0);
        Line(loss, shown.ValidationLoss, Colors.C1);
        loss.ShowLegend(Alignment.UpperRight);
        if (logScale) FigureStyle.LogAxis(loss, shown.Loss.Values.Concat(shown.ValidationLoss.Values));

        if (curves.HasAccuracy)
        {
            var accuracy = figure.AddPlot();
            Style(accuracy, "Validation accuracy", "accuracy (%)");
            Line(accuracy, curves.ValidationAccuracy with { Values = curves.ValidationAccuracy.Values.Select(v => 100 * v).ToArray() }, Colors.C2);
            accuracy.Axes.SetLimitsY(0, 102);
            accuracy.ShowLegend(Alignment.LowerRight);
            figure.SharedAxes.ShareX([loss, accuracy]);
            // Two thirds of the height for the loss, one third for the accuracy.
            var rows = new ScottPlot.MultiplotLayouts.DraggableRows();
            rows.SetHeights([Height(curves) * 0.62f, Height(curves) * 0.38f]);
            figure.Layout = rows;
        }
        return figure;
    }

    private static void Style(Plot plot, string title, string yLabel) => FigureStyle.EpochPanel(plot, title, yLabel, new PixelPadding(80, 30, 60, 45));

    private static void Line(Plot plot, Curve curve, Color color)
    {
        if (curve.IsEmpty) return;
        var line = plot.Add.Scatter(curve.Epochs, curve.Values, color);
        line.LegendText = curve.Name;
        line.LineWidth = 2;
        // Markers make short runs readable; on long runs they would only blur the line.
        line.MarkerSize = curve.Epochs.Length <= 60 ? 5 : 0;
    }
}
