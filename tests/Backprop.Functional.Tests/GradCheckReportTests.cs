using Backprop.Functional.Numerics;
using Backprop.Functional.Tests.Support;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Backprop.Functional.Tests;

/// <summary>The per-tensor gradient check report, with its default tolerance.</summary>
public sealed class GradCheckReportTests
{
    private static readonly GradCheckTolerance Default = new();

    private static Property Passes(NetworkCase c)
    {
        var report = GradCheckReport.Of(c.Network, c.Loss, c.Data, Default);
        var worst = report.Tensors.MaxBy(t => t.RelativeError)!;
        return report.Passed.Label($"{worst.Tensor}[{worst.LargestRelative.Row},{worst.LargestRelative.Column}]: relative error {worst.RelativeError:E2}");
    }

    [Property(MaxTest = 30, Arbitrary = [typeof(AnyActivationMse)])]
    public Property Backward_passes_the_default_tolerance_for_every_activation_with_mse(NetworkCase c) =>
        Passes(c).When(BackwardTests.AwayFromKinks(c));

    [Property(MaxTest = 30, Arbitrary = [typeof(SoftmaxCrossEntropy)])]
    public Property Backward_passes_the_default_tolerance_for_softmax_cross_entropy(NetworkCase c) =>
        Passes(c).When(BackwardTests.AwayFromKinks(c));

    [Property(MaxTest = 30, Arbitrary = [typeof(SigmoidBinaryCrossEntropy)])]
    public Property Backward_passes_the_default_tolerance_for_sigmoid_binary_cross_entropy(NetworkCase c) =>
        Passes(c).When(BackwardTests.AwayFromKinks(c));

    [Property(MaxTest = 30, Arbitrary = [typeof(SmoothNetworks)])]
    public Property A_one_percent_error_in_one_weight_fails_that_tensor_only_and_says_where(NetworkCase c)
    {
        var gradient = Training.Gradient(c.Network, c.Loss, c.Data);
        var layer = c.Network.Layers.Count - 1;
        var weight = gradient.Layers[layer].Weight;
        // The largest entry, so the 1% is far above the absolute floor.
        var (row, column) = Enumerable.Range(0, weight.RowCount).SelectMany(r => Enumerable.Range(0, weight.ColumnCount).Select(k => (r, k)))
            .MaxBy(p => Math.Abs(weight[p.r, p.k]));
        var values = (double[])Dense.Data(weight).Clone();
        values[column * weight.RowCount + row] *= 1.01;
        var wrong = gradient with { Layers = gradient.Layers.SetItem(layer, gradient.Layers[layer] with { Weight = Dense.Matrix(weight.RowCount, weight.ColumnCount, values) }) };

        var report = GradCheckReport.Of(c.Network, c.Loss, c.Data, wrong, Default);

        var failed = report.Failed.Map(t => t.Tensor).ToArray();
        var named = report.Failed.Count == 1 ? report.Failed[0].LargestRelative : null;
        var floor = Default.FloorAt(report.Loss);
        return (Math.Abs(weight[row, column]) * 0.01 <= floor * Default.Relative
                || (failed.SequenceEqual([$"layers.{layer}.weight"]) && named is { } n && n.Row == row && n.Column == column && !report.Passed))
            .Label($"failed: {string.Join(", ", failed)}; expected layers.{layer}.weight[{row},{column}]");
    }

    [Fact]
    public void A_nan_gradient_fails_and_is_shown_as_the_largest_error()
    {
        var c = new NetworkCase([3, 4, 2], ["tanh", "sigmoid"], 3, 11);
        var gradient = Training.Gradient(c.Network, c.Loss, c.Data);
        var bias = (double[])Dense.Data(gradient.Layers[0].Bias).Clone();
        bias[2] = double.NaN;
        var wrong = gradient with { Layers = gradient.Layers.SetItem(0, gradient.Layers[0] with { Bias = Dense.Vector(bias) }) };

        var report = GradCheckReport.Of(c.Network, c.Loss, c.Data, wrong, Default);

        Assert.False(report.Passed);
        var failed = Assert.Single(report.Failed);
        Assert.Equal("layers.0.bias", failed.Tensor);
        Assert.Equal(2, failed.LargestRelative.Row);
        Assert.Equal(2, failed.LargestAbsolute.Row);
    }

    [Fact]
    public void The_report_has_one_entry_per_tensor_in_network_order_with_its_size()
    {
        var c = new NetworkCase([3, 4, 2], ["tanh", "sigmoid"], 3, 11);
        var report = GradCheckReport.Of(c.Network, c.Loss, c.Data, Default);
        Assert.Equal(["layers.0.weight", "layers.0.bias", "layers.1.weight", "layers.1.bias"], report.Tensors.Map(t => t.Tensor).ToArray());
        Assert.Equal([12, 4, 8, 2], report.Tensors.Map(t => t.Parameters).ToArray());
        Assert.Equal(3, report.Rows);
        Assert.True(report.Passed);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-1e-6)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void A_tolerance_that_is_not_positive_and_finite_is_refused(double relative) =>
        Assert.IsType<OutOfRange>(GradCheckTolerance.Of(relative).Match(_ => null!, e => e));

    [Theory]
    [InlineData(0.5, 1e-4)]
    [InlineData(-250.0, 0.025)]
    [InlineData(3.0, 3e-4)]
    [InlineData(double.NaN, 1e-4)]
    [InlineData(double.NegativeInfinity, 1e-4)]
    public void The_floor_scales_with_the_loss_above_one_and_ignores_a_loss_that_is_not_finite(double loss, double floor) =>
        Assert.Equal(floor, Default.FloorAt(loss), 1e-18);

    [Fact]
    public void A_positive_finite_tolerance_is_kept_with_the_default_floor_and_a_refusal_says_what_is_allowed()
    {
        var tolerance = (GradCheckTolerance)GradCheckTolerance.Of(1e-3);
        Assert.Equal(new GradCheckTolerance(1e-3, GradCheckTolerance.DefaultAbsoluteFloor), tolerance);
        var refusal = Assert.IsType<OutOfRange>(GradCheckTolerance.Of(0, "tolerance").Match(_ => null!, e => e));
        Assert.Equal(("tolerance", "> 0 and finite"), (refusal.Setting, refusal.Range));
        Assert.Equal("gradient check tolerance", Assert.IsType<OutOfRange>(GradCheckTolerance.Of(-1).Match(_ => null!, e => e)).Setting);
    }

    [Property(MaxTest = 30, Arbitrary = [typeof(SmoothNetworks)])]
    public Property Each_tensor_reports_its_largest_absolute_and_relative_errors_and_where_they_are(NetworkCase c)
    {
        // An error of a different size at every parameter, so that the largest is somewhere definite.
        var gradient = Training.Gradient(c.Network, c.Loss, c.Data);
        var offset = 0;
        Gradients Skewed(Gradients g) => g with
        {
            Layers = g.Layers.Map(l => new LayerGradients(
                Dense.Matrix(l.Weight.RowCount, l.Weight.ColumnCount, Dense.Data(l.Weight).Select(v => v + (offset++ % 7) * 1e-3).ToArray()),
                Dense.Vector(Dense.Data(l.Bias).Select(v => v - (offset++ % 5) * 1e-3).ToArray()))),
        };
        var wrong = Skewed(gradient);
        var report = GradCheckReport.Of(c.Network, c.Loss, c.Data, wrong, Default);
        var comparisons = GradCheck.Compare(c.Network, c.Loss, c.Data, wrong).ToLookup(x => x.Tensor);
        return report.Tensors.All(t =>
        {
            var all = comparisons[t.Tensor].ToArray();
            var largestAbsolute = all.Max(x => Math.Abs(x.Analytic - x.Numeric));
            var largestRelative = all.Max(x => x.RelativeError(report.Floor));
            return t.AbsoluteError == largestAbsolute && Math.Abs(t.LargestAbsolute.Analytic - t.LargestAbsolute.Numeric) == largestAbsolute &&
                   t.RelativeError == largestRelative && t.LargestRelative.RelativeError(report.Floor) == largestRelative &&
                   t.Passed == all.All(x => x.RelativeError(report.Floor) <= Default.Relative);
        }).Label(string.Join("; ", report.Tensors.Map(t => $"{t.Tensor}: {t.AbsoluteError:E3} at [{t.LargestAbsolute.Row},{t.LargestAbsolute.Column}]")));
    }

    [Theory]
    [InlineData(2.0, 1.0, 1e-4, 0.5)] // divided by the larger of the two
    [InlineData(-1.0, 3.0, 1e-4, 4.0 / 3)]
    [InlineData(1e-12, 0.0, 1e-4, 1e-8)] // both below the floor: divided by the floor
    [InlineData(0.0, 0.0, 1e-4, 0.0)]
    public void The_relative_error_divides_by_the_larger_gradient_or_the_floor(double analytic, double numeric, double floor, double expected) =>
        Assert.Equal(expected, new GradientComparison("layers.0.weight", 0, 0, analytic, numeric).RelativeError(floor), 1e-15);

    [Property(MaxTest = 20, Arbitrary = [typeof(SmoothNetworks)])]
    public Property A_tensor_passes_at_a_tolerance_equal_to_its_largest_relative_error_and_fails_just_below_it(NetworkCase c)
    {
        var gradient = Training.Gradient(c.Network, c.Loss, c.Data);
        var worst = GradCheckReport.Of(c.Network, c.Loss, c.Data, gradient, Default).Tensors.MaxBy(t => t.RelativeError)!;
        if (!(worst.RelativeError > 0 && double.IsFinite(worst.RelativeError))) return true.ToProperty().Label("no error to hold the bound to");
        bool Passes(double relative) =>
            GradCheckReport.Of(c.Network, c.Loss, c.Data, gradient, new GradCheckTolerance(relative)).Tensors.Single(t => t.Tensor == worst.Tensor).Passed;
        return (Passes(worst.RelativeError) && !Passes(Math.BitDecrement(worst.RelativeError))).Label($"{worst.Tensor}: {worst.RelativeError:R}");
    }
}
