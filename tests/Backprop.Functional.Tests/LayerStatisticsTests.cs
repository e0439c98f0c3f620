using Backprop.Functional.Numerics;
using Backprop.Functional.Tests.Support;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using MathNet.Numerics.LinearAlgebra;

namespace Backprop.Functional.Tests;

public sealed class LayerStatisticsTests
{
    private static TrainConfig Sgd(Loss loss, double rate, int? batch = null) => new(loss, new Sgd(new ConstantSchedule(rate)), batch);

    private static double Norm(IEnumerable<double> values) => Math.Sqrt(values.Aggregate(0.0, (sum, v) => sum + v * v));

    [Property(MaxTest = 100, Arbitrary = [typeof(AnyActivationMse)])]
    public Property With_one_full_batch_the_recorded_gradient_norms_are_those_of_Training_Gradient_and_the_update_is_the_steps(NetworkCase c)
    {
        var config = Sgd(c.Loss, 0.1);
        var state = TrainState.Initial(c.Network, config.Optimizer, Rng.FromSeed(c.Seed));
        var layers = LayerStatistics.OfEpoch(config, state, c.Data);
        var gradient = Training.Gradient(c.Network, c.Loss, c.Data);
        // The update the real (fused) step made, element by element, in column-major order.
        var next = Training.Step(config, state, c.Data).State.Network;
        return layers.Map((i, s) =>
                Bits.Same([s.WeightGradNorm, s.BiasGradNorm], [Norm(gradient.Layers[i].Weight.Enumerate()), Norm(gradient.Layers[i].Bias.Enumerate())]) &&
                Bits.Same([s.WeightNorm], [Norm(c.Network.Layers[i].Weight.Enumerate())]) &&
                Bits.Same([s.UpdateNorm], [Norm(next.Layers[i].Weight.Enumerate().Zip(c.Network.Layers[i].Weight.Enumerate(), (a, b) => a - b))]) &&
                Bits.Same([s.UpdateRatio], [s.UpdateNorm / s.WeightNorm]))
            .ForAll(ok => ok).Label(c.ToString());
    }

    [Fact]
    public void With_mini_batches_the_gradient_is_that_of_the_epochs_first_batch()
    {
        var c = new NetworkCase([3, 4, 2], ["tanh", "sigmoid"], 9, 5);
        var config = Sgd(c.Loss, 0.1, batch: 4);
        var state = TrainState.Initial(c.Network, config.Optimizer, Rng.FromSeed(3));
        var (order, _) = state.Rng.Permutation(c.Data.Rows);
        var first = c.Data.Select(order.ToArray().AsSpan(0, 4));
        var expected = Training.Gradient(c.Network, c.Loss, first);
        var whole = Training.Gradient(c.Network, c.Loss, c.Data);
        var layers = LayerStatistics.OfEpoch(config, state, c.Data);
        Assert.Equal(Norm(expected.Layers[0].Weight.Enumerate()), layers[0].WeightGradNorm);
        Assert.NotEqual(Norm(whole.Layers[0].Weight.Enumerate()), layers[0].WeightGradNorm);
    }

    [Property(MaxTest = 100, Arbitrary = [typeof(AnyActivationMse)])]
    public Property Saturated_and_dead_shares_are_direct_counts_of_the_batchs_activations(NetworkCase c, PositiveInt scale)
    {
        // Scaled-up weights push sigmoid and tanh into saturation and kill relu units, so the counts are not all 0.
        var factor = 1 + scale.Get % 30;
        var network = c.Network with { Layers = c.Network.Layers.Map(l => l with { Weight = l.Weight * factor, Bias = l.Bias * factor }).ToArr() };
        var config = Sgd(c.Loss, 0.01);
        var state = TrainState.Initial(network, config.Optimizer, Rng.FromSeed(c.Seed));
        var trace = Forward.Run(network, c.Data.Inputs);
        var layers = LayerStatistics.OfEpoch(config, state, c.Data);
        return layers.Map((i, s) =>
        {
            var h = trace.Layers[i].Activation;
            var name = network.Layers[i].Activation.Name;
            var all = h.Enumerate().ToArray();
            double? saturated = name switch
            {
                "sigmoid" => all.Count(v => v <= 0.01 || v >= 0.99) / (double)all.Length,
                "tanh" => all.Count(v => Math.Abs(v) >= 0.99) / (double)all.Length,
                _ => null,
            };
            double? dead = name is "relu" or "leaky-relu" ? h.EnumerateColumns().Count(unit => unit.All(v => v <= 0)) / (double)h.ColumnCount : null;
            var mean = all.Average();
            return (s.Saturated == saturated && s.Dead == dead && Math.Abs(s.ActivationMean - mean) <= 1e-12 * (1 + Math.Abs(mean)))
                .Label($"layer {i} ({name}): saturated {s.Saturated} vs {saturated}, dead {s.Dead} vs {dead}, mean {s.ActivationMean} vs {mean}");
        }).Aggregate((a, b) => a.And(b)).Label(c.ToString());
    }

    [Fact]
    public void A_relu_unit_without_a_positive_output_is_dead_and_a_sigmoid_at_its_asymptote_is_saturated()
    {
        var h = Matrix<double>.Build.DenseOfArray(new[,] { { 0.0, 0.5, 0.995 }, { 0.0, 0.0, 0.5 } });
        Assert.Equal(1.0 / 3, LayerStatistics.DeadShare(Relu.Instance, h));
        Assert.Equal(4.0 / 6, LayerStatistics.SaturatedShare(Sigmoid.Instance, h));
        Assert.Null(LayerStatistics.SaturatedShare(Relu.Instance, h));
        Assert.Null(LayerStatistics.DeadShare(Tanh.Instance, h));
    }

    [Fact]
    public void Saturation_counts_values_within_one_percent_of_an_asymptote_edges_included()
    {
        // Sigmoid: 0.01 and 0.99 are within 1% of 0 and 1; tanh: |h| of 0.99 is within 1% of ±1.
        var sigmoid = Matrix<double>.Build.DenseOfArray(new[,] { { 0.01, 0.99, 0.0101, 0.9899 } });
        Assert.Equal(0.5, LayerStatistics.SaturatedShare(Sigmoid.Instance, sigmoid));
        var tanh = Matrix<double>.Build.DenseOfArray(new[,] { { 0.99, -0.99, 0.9899, -0.9899, 0.0 } });
        Assert.Equal(0.4, LayerStatistics.SaturatedShare(Tanh.Instance, tanh));
        Assert.Equal(0.0, LayerStatistics.SaturatedShare(Tanh.Instance, Matrix<double>.Build.Dense(0, 3)));
        Assert.Equal(0.0, LayerStatistics.DeadShare(Relu.Instance, Matrix<double>.Build.Dense(0, 3)));
    }

    [Fact]
    public void The_activation_mean_and_std_are_the_population_figures_of_every_value()
    {
        // One relu layer whose activations are h = (1, 2, 3, 6) over two rows and two units.
        var network = (Network)Network.Create([new Layer(Matrix<double>.Build.DenseOfArray(new[,] { { 1.0 }, { 2.0 } }), Dense.Vector([0.0, 0.0]), Relu.Instance)]);
        var data = new Dataset(Dense.Matrix(2, 1, [1.0, 3.0]), Dense.Matrix(2, 2, new double[4]));
        var optimizer = new Sgd(new ConstantSchedule(0.1));
        var state = TrainState.Initial(network, optimizer, Rng.FromSeed(1));
        var s = LayerStatistics.OfEpoch(new TrainConfig(MeanSquaredError.Instance, optimizer), state, data).Single();
        Assert.Equal(3.0, s.ActivationMean);
        Assert.Equal(Math.Sqrt((4 + 1 + 0 + 9) / 4.0), s.ActivationStd, 1e-15);
        Assert.Equal(0.0, s.Dead);
        Assert.Equal(Math.Sqrt(5.0), s.WeightNorm, 1e-15);
    }

    [Fact]
    public void The_activation_std_is_taken_about_the_mean_so_large_activations_keep_their_spread()
    {
        // h = x + (0, 3) for x = 10^15 + 1 and 10^15 + 3: the mean, 10^15 + 3.5, and every deviation
        // (±0.5, ±2.5) are exact, so the std is √3.25 to the bit. Σ(v + mean)(v − mean), equal in
        // exact arithmetic, rounds each product near 5·10^15 and gives 1.87.
        var network = (Network)Network.Create([new Layer(Matrix<double>.Build.DenseOfArray(new[,] { { 1.0 }, { 1.0 } }), Dense.Vector([0.0, 3.0]), Relu.Instance)]);
        var data = new Dataset(Dense.Matrix(2, 1, [1e15 + 1, 1e15 + 3]), Dense.Matrix(2, 2, new double[4]));
        var optimizer = new Sgd(new ConstantSchedule(1e-40));
        var s = LayerStatistics.OfEpoch(new TrainConfig(MeanSquaredError.Instance, optimizer), TrainState.Initial(network, optimizer, Rng.FromSeed(1)), data).Single();
        Assert.Equal(1e15 + 3.5, s.ActivationMean);
        Assert.Equal(Math.Sqrt(3.25), s.ActivationStd);
    }

    [Fact]
    public void An_activation_without_a_fast_kernel_is_measured_on_the_reference_path()
    {
        // Cube has no kernel, so no fused step: the statistics are those of the reference's forward, backward and step.
        var network = (Network)Network.Create([new Layer(Matrix<double>.Build.DenseOfArray(new[,] { { 0.5 }, { -1.0 } }), Dense.Vector([0.1, 0.2]), new Cube())]);
        var data = new Dataset(Dense.Matrix(3, 1, [1.0, -2.0, 0.5]), Dense.Matrix(3, 2, [1, 0, 1, 0, 1, 0]));
        var config = Sgd(MeanSquaredError.Instance, 0.1);
        var state = TrainState.Initial(network, config.Optimizer, Rng.FromSeed(1));
        var trace = Forward.Run(network, data.Inputs);
        var expected = LayerStatistics.Of(state, Backward.Run(network, trace, data.Targets, config.Loss), Training.Step(config, state, data).State, trace);
        Assert.False(FusedTraining.Supports(config, network));
        Assert.Equal(expected, LayerStatistics.OfEpoch(config, state, data));
    }
}
