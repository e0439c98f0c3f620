using Backprop.Cli.Plots;
using Backprop.Functional.IO;
using LanguageExt;

namespace Backprop.Functional.Tests.Plots;

/// <summary>The pure pieces of the loss figure's axes: log ticks, log curves and axis scales.</summary>
public sealed class AxisAndCurveTests
{
    [Fact]
    public void Log_ticks_label_decades_then_finer_steps_as_the_range_narrows()
    {
        var wide = LogTicks.For(-4, 0.1).Where(t => t.Major).Select(t => t.Label).ToArray();
        Assert.Equal(["0.0001", "0.001", "0.01", "0.1", "1"], wide);
        var narrow = LogTicks.For(Math.Log10(0.04), Math.Log10(0.6)).Where(t => t.Major).Select(t => t.Label).ToArray();
        Assert.Equal(["0.05", "0.1", "0.2", "0.5"], narrow);
        var withinADecade = LogTicks.For(Math.Log10(0.45), Math.Log10(0.73)).Select(t => t.Label).ToArray();
        Assert.Equal(["0.5", "0.6", "0.7"], withinADecade);
        var tiny = LogTicks.For(Math.Log10(0.501), Math.Log10(0.509)).Select(t => t.Label).ToArray();
        Assert.Equal(["0.502", "0.504", "0.506", "0.508"], tiny);
    }

    [Fact]
    public void Log_curves_leave_out_what_a_log_axis_cannot_show_and_accuracy_stays_linear()
    {
        var rows = new Arr<MetricsRow>([
            new MetricsRow(1, new EpochMetrics(1.0, 0.0, 0.5), new string('0', 64)),
            new MetricsRow(2, new EpochMetrics(0.01, 0.1, 0.75), new string('0', 64)),
            new MetricsRow(3, new EpochMetrics(double.NaN, null, null), new string('0', 64)),
        ]);
        var curves = LossCurves.Of(rows).Log10();
        Assert.Equal([1.0, 2.0], curves.Loss.Epochs);
        Assert.Equal([0.0, -2.0], curves.Loss.Values);
        Assert.Equal([2.0], curves.ValidationLoss.Epochs);
        Assert.Equal([0.5, 0.75], curves.ValidationAccuracy.Values);
    }

    [Fact]
    public void Tiny_gradients_get_an_axis_scale_so_their_labels_differ()
    {
        var scale = AxisScale.For([3e-12, -1.5e-11]);
        Assert.Equal(-11, scale.Exponent);
        Assert.Equal("gradient (×1e-11)", scale.Label("gradient"));
        Assert.Equal(0, AxisScale.For([0.3, -2.0]).Exponent);
    }
}
