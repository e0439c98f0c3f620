using Backprop.Functional.Tests.Support;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Backprop.Functional.Tests;

/// <summary>Laws of a training step and of the seed demo.</summary>
public sealed class TrainingTests
{
    private static TrainConfig Sgd(double rate) => new(MeanSquaredError.Instance, new Sgd(new ConstantSchedule(rate)));

    [Property(MaxTest = 300, Arbitrary = [typeof(SmoothNetworks)])]
    public Property One_small_step_along_a_nonzero_gradient_lowers_the_loss(NetworkCase c)
    {
        var (network, data) = (c.Network, c.Data);
        var gradient = Training.Gradient(network, c.Loss, data);
        var squaredNorm = Bits.Of(gradient).Sum(g => g * g);
        // Below ~1e-16 the decrease lr·|g|² drowns in the loss's own rounding.
        if (squaredNorm < 1e-16) return true.Label("gradient is numerically zero");
        var before = Training.Loss(network, c.Loss, data);
        var rate = 1e-3 / Math.Max(1, Math.Sqrt(squaredNorm));
        var after = Training.Loss(Training.Step(Sgd(rate), TrainState.Initial(network, Sgd(rate).Optimizer, Rng.FromSeed(0)), data).State.Network, c.Loss, data);
        return (after < before).Label($"loss {before:R} → {after:R} with lr {rate:R}, |g|² {squaredNorm:R}");
    }

    [Fact]
    public void The_seed_demo_ends_its_200_epochs_lower_than_it_starts()
    {
        var rng = Rng.FromSeed(0);
        var (data, afterData) = SeedDemo.Sample(rng, 10, 2);
        var (network, afterInit) = ((Network, Rng))NetworkFactory.Create(NetworkFactory.SeedWidths, Sigmoid.Instance, Sigmoid.Instance, new NormalInitializer(0.01), afterData);
        var config = Sgd(SeedDemo.LearningRate);
        var losses = new List<double>();
        var state = TrainState.Initial(network, config.Optimizer, afterInit);
        for (var e = 0; e < SeedDemo.Epochs; e++)
        {
            var result = Training.Epoch(config, state, data);
            losses.Add(result.Loss);
            state = result.State;
        }
        Assert.True(losses[^1] < losses[0], $"first loss {losses[0]}, last {losses[^1]}");
        Assert.Equal(SeedDemo.Epochs, state.Epoch);
        Assert.Equal(SeedDemo.Epochs, state.Step);
    }

    [Fact]
    public void The_sgd_update_is_exactly_theta_minus_lr_times_g()
    {
        var c = new NetworkCase([4, 3, 2], ["tanh", "sigmoid"], 3, 11);
        var gradient = Training.Gradient(c.Network, c.Loss, c.Data);
        var next = Training.Step(Sgd(0.37), TrainState.Initial(c.Network, Sgd(0.37).Optimizer, Rng.FromSeed(1)), c.Data).State.Network;
        var expected = Bits.Of(c.Network).Zip(Bits.Of(gradient), (theta, g) => theta - 0.37 * g).ToArray();
        Assert.True(Bits.Same(expected, Bits.Of(next)));
    }
}
