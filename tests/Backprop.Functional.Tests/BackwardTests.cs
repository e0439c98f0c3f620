using Backprop.Functional.Numerics;
using Backprop.Functional.Tests.Support;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Backprop.Functional.Tests;

/// <summary>Laws of the backward pass.</summary>
public sealed class BackwardTests
{
    /// <summary>
    /// Below 1e-4·max(1, |L|) a gradient is compared absolutely (|a − n| ≤ 1e-10·max(1, |L|)):
    /// the fourth-order finite difference with h = 1e-4 carries ~3e-12·|L| of rounding noise.
    /// </summary>
    internal const double AbsoluteFloor = 1e-4;

    internal const double RelativeTolerance = 1e-6;

    internal static Property MatchesFiniteDifferences(NetworkCase c, double roundingScale = 0)
    {
        var comparisons = GradCheck.Compare(c.Network, c.Loss, c.Data);
        var floor = AbsoluteFloor * Math.Max(Math.Max(1, roundingScale), Math.Abs(Training.Loss(c.Network, c.Loss, c.Data)));
        var worst = comparisons.OrderByDescending(x => x.RelativeError(floor)).First();
        var error = worst.RelativeError(floor);
        return (error <= RelativeTolerance).Label(
            $"{worst.Tensor}[{worst.Row},{worst.Column}]: backward {worst.Analytic:R}, finite difference {worst.Numeric:R}, relative error {error:E2}");
    }

    [Property(MaxTest = 500, Arbitrary = [typeof(SmoothNetworks)])]
    public Property Backward_matches_central_finite_differences_for_every_weight_and_bias(NetworkCase c) =>
        MatchesFiniteDifferences(c);

    [Property(MaxTest = 400, Arbitrary = [typeof(AnyActivationMse)])]
    public Property Backward_matches_finite_differences_for_every_activation_away_from_kinks(NetworkCase c) =>
        MatchesFiniteDifferences(c).When(AwayFromKinks(c));

    [Property(MaxTest = 300, Arbitrary = [typeof(SoftmaxCrossEntropy)])]
    public Property Backward_matches_finite_differences_for_softmax_cross_entropy(NetworkCase c) =>
        MatchesFiniteDifferences(c).When(AwayFromKinks(c));

    /// <summary>
    /// Cross-entropy computes log-sum-exp of the logits minus the target's logit: its rounding is
    /// relative to the logits (here scaled by 60, so up to a few hundred), not to the small loss
    /// left after they cancel. The floor follows the larger of the two (with |L| alone it once
    /// failed by 1.5e-10, and by 1.6e-10 at a halved step, which is rounding, not truncation).
    /// </summary>
    [Property(MaxTest = 200, Arbitrary = [typeof(ExtremeLogits)])]
    public Property Backward_matches_finite_differences_for_cross_entropy_with_extreme_logits(NetworkCase c)
    {
        var logits = Forward.Run(c.Network, c.Data.Inputs).OutputLayer.PreActivation;
        return MatchesFiniteDifferences(c, logits.Enumerate().Max(Math.Abs));
    }

    [Property(MaxTest = 300, Arbitrary = [typeof(SigmoidBinaryCrossEntropy)])]
    public Property Backward_matches_finite_differences_for_sigmoid_binary_cross_entropy(NetworkCase c) =>
        MatchesFiniteDifferences(c).When(AwayFromKinks(c));

    [Property(MaxTest = 200, Arbitrary = [typeof(AnyActivationMse)])]
    public Property The_gradient_of_a_batch_is_the_mean_of_its_per_sample_gradients(NetworkCase c)
    {
        var (network, data) = (c.Network, c.Data);
        var batch = Training.Gradient(network, c.Loss, data).Tensors().ToList();
        var samples = Enumerable.Range(0, data.Rows).Select(r => Training.Gradient(network, c.Loss, data.Select([r]))).ToList();
        var mean = samples.Aggregate(Gradients.Zero(network), (acc, g) => acc.Add(g)).Scale(1.0 / data.Rows).Tensors().ToList();
        // Rounding is relative to the size of the terms summed, not to their (possibly cancelling) total, and a
        // delta propagated back is such a sum (Wᵀδ): one element can cancel to nearly nothing, a whole tensor hardly.
        // So each tensor is measured against its largest mean absolute per-sample gradient. Element by element,
        // 30,000 draws reached 8e-11; per tensor, 8e-14. A wrong mean (a sample lost, a sum for a mean) is off by O(1).
        var scale = samples.Aggregate(Gradients.Zero(network), (acc, g) => acc.Add(g.Map(Math.Abs))).Scale(1.0 / data.Rows).Tensors().ToList();
        var worst = batch.Select((t, i) => t.Values.Zip(mean[i].Values, (b, m) => Math.Abs(b - m)).DefaultIfEmpty(0).Max() / Math.Max(scale[i].Values.DefaultIfEmpty(0).Max(), 1e-300)).Max();
        return (worst <= 1e-11).Label($"largest difference {worst:E2} of the per-sample gradients' size");
    }

    /// <summary>
    /// The finite difference steps θ by up to 2h = 2e-4, which moves z by up to ~2e-4·(1 + |x|):
    /// a relu-family kink that close would make the numeric derivative meaningless.
    /// </summary>
    internal static bool AwayFromKinks(NetworkCase c)
    {
        var trace = Forward.Run(c.Network, c.Data.Inputs);
        var kinked = c.Network.Layers.Map(l => l.Activation is Relu or LeakyRelu).ToArray();
        return trace.Layers.Select((l, i) => !kinked[i] || Functional.Numerics.Dense.Data(l.PreActivation).All(z => Math.Abs(z) > 1e-2)).All(ok => ok);
    }

    [Property(MaxTest = 100, Arbitrary = [typeof(AnyActivationMse)])]
    public Property Steps_show_each_layers_output_gradient_and_delta_and_add_up_to_Run(NetworkCase c)
    {
        var (network, data) = (c.Network, c.Data);
        var trace = Forward.Run(network, data.Inputs);
        var steps = Backward.Steps(network, trace, data.Targets, c.Loss).ToList();
        var run = Backward.Run(network, trace, data.Targets, c.Loss);
        var output = network.Layers.Count - 1;
        // Output first; dL/dh of the output layer is the loss's own gradient, of a layer below it δ·W of the layer above (the fma-chain product).
        var shown = steps.Select((s, k) => s.Layer == output - k &&
            Bits.Same(Bits.Of(s.OutputGradient!), Bits.Of(k == 0 ? c.Loss.ActivationGradient(trace.OutputLayer, data.Targets)! : MatrixProduct.Multiply(steps[k - 1].Delta, network.Layers[s.Layer + 1].Weight))) &&
            Bits.Same(Bits.Of(s.Delta), Bits.Of(k == 0 ? c.Loss.OutputGradient(trace.OutputLayer, network.Layers[output].Activation, data.Targets)
                : network.Layers[s.Layer].Activation.Backpropagate(trace.Layers[s.Layer].PreActivation, trace.Layers[s.Layer].Activation, s.OutputGradient!))));
        return (steps.Count == network.Layers.Count && shown.All(ok => ok) &&
                Bits.Same(Bits.Of(new Gradients(steps.OrderBy(s => s.Layer).Select(s => s.Gradients).ToArr())), Bits.Of(run))).ToProperty();
    }

    [Fact]
    public void The_gradient_check_fails_when_backward_is_wrong()
    {
        // A deliberately wrong derivative must be caught, or the property above proves nothing.
        var c = new NetworkCase([3, 4, 2], ["sigmoid", "sigmoid"], 2, 7);
        var comparisons = GradCheck.Compare(c.Network, new ScaledMse(), c.Data);
        Assert.Contains(comparisons, x => x.RelativeError(AbsoluteFloor) > RelativeTolerance);
    }

    [Fact]
    public void A_loss_of_a_users_own_takes_its_gradient_from_its_own_output_gradient_in_one_pass()
    {
        // Training.Gradient streams only the losses it knows; a user's loss (here mse with a
        // gradient 1% off) gets one pass and its own dL/dh, not mse's.
        var c = new NetworkCase([3, 4, 2], ["tanh", "identity"], 9, 7);
        var whole = Backward.Run(c.Network, Forward.Run(c.Network, c.Data.Inputs), c.Data.Targets, new ScaledMse());
        Assert.True(Bits.Same(Bits.Of(whole), Bits.Of(Training.Gradient(c.Network, new ScaledMse(), c.Data, rowsPerPass: 4))));
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
