using Backprop.Functional.Tests.Support;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Backprop.Functional.Tests;

/// <summary>Laws of the backward pass.</summary>
public sealed class BackwardTests
{
    /// <summary>
    /// Below this magnitude a gradient is compared absolutely (|a − n| ≤ 1e-6 × 1e-4 = 1e-10):
    /// the fourth-order finite difference with h = 1e-4 carries ~3e-12·|L| of rounding noise.
    /// </summary>
    internal const double AbsoluteFloor = 1e-4;

    internal const double RelativeTolerance = 1e-6;

    internal static Property MatchesFiniteDifferences(NetworkCase c)
    {
        var comparisons = GradCheck.Compare(c.Network, c.Loss, c.Data);
        var worst = comparisons.OrderByDescending(x => x.RelativeError(AbsoluteFloor)).First();
        var error = worst.RelativeError(AbsoluteFloor);
        return (error <= RelativeTolerance).Label(
            $"{worst.Tensor}[{worst.Row},{worst.Column}]: backward {worst.Analytic:R}, finite difference {worst.Numeric:R}, relative error {error:E2}");
    }

    [Property(MaxTest = 500, Arbitrary = [typeof(SmoothNetworks)])]
    public Property Backward_matches_central_finite_differences_for_every_weight_and_bias(NetworkCase c) =>
        MatchesFiniteDifferences(c);

    [Fact]
    public void The_gradient_check_fails_when_backward_is_wrong()
    {
        // A deliberately wrong derivative must be caught, or the property above proves nothing.
        var c = new NetworkCase([3, 4, 2], ["sigmoid", "sigmoid"], 2, 7);
        var comparisons = GradCheck.Compare(c.Network, new ScaledMse(), c.Data);
        Assert.Contains(comparisons, x => x.RelativeError(AbsoluteFloor) > RelativeTolerance);
    }

    /// <summary>mse whose gradient is off by 1%: what a subtle backward bug looks like.</summary>
    private sealed record ScaledMse : Loss
    {
        public override string Name => "scaled-mse";

        public override double Value(LayerTrace output, MathNet.Numerics.LinearAlgebra.Matrix<double> targets) =>
            MeanSquaredError.Instance.Value(output, targets);

        public override MathNet.Numerics.LinearAlgebra.Matrix<double> OutputGradient(LayerTrace output, Activation outputActivation, MathNet.Numerics.LinearAlgebra.Matrix<double> targets) =>
            MeanSquaredError.Instance.OutputGradient(output, outputActivation, targets) * 1.01;
    }
}
