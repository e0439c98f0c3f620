using Backprop.Functional.Tests.Support;
using FsCheck.Fluent;

namespace Backprop.Functional.Tests.Optimizers;

/// <summary>Optimizers against their published update rules, written out by hand.</summary>
public sealed class OptimizerTests
{
    private static readonly NetworkCase Case = new([3, 4, 2], ["tanh", "sigmoid"], 4, 12);

    private static void AssertClose(double[] expected, double[] actual, double tolerance = 1e-15)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance * Math.Max(1, Math.Abs(expected[i])), $"element {i}: expected {expected[i]:R}, got {actual[i]:R}");
    }

    [Fact]
    public void Adams_first_three_steps_follow_kingma_and_ba()
    {
        const double lr = 0.01, b1 = 0.9, b2 = 0.999, eps = 1e-8;
        var optimizer = new Adam(new ConstantSchedule(lr), b1, b2, eps, 0, Decoupled: false);
        var config = new TrainConfig(MeanSquaredError.Instance, optimizer);
        var state = TrainState.Initial(Case.Network, optimizer, Rng.FromSeed(0));
        var theta = Bits.Of(Case.Network);
        var m = new double[theta.Length];
        var v = new double[theta.Length];
        for (var t = 1; t <= 3; t++)
        {
            var g = Bits.Of(Training.Gradient(state.Network, MeanSquaredError.Instance, Case.Data));
            for (var i = 0; i < theta.Length; i++)
            {
                m[i] = b1 * m[i] + (1 - b1) * g[i];
                v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
                var mHat = m[i] / (1 - Math.Pow(b1, t));
                var vHat = v[i] / (1 - Math.Pow(b2, t));
                theta[i] -= lr * mHat / (Math.Sqrt(vHat) + eps);
            }
            state = Training.Step(config, state, Case.Data).State;
            AssertClose(theta, Bits.Of(state.Network), 1e-14);
            AssertClose(m, Bits.Of(state.Optimizer.Slot(Adam.FirstMomentSlot)));
            AssertClose(v, Bits.Of(state.Optimizer.Slot(Adam.SecondMomentSlot)));
            Assert.Equal(t, state.Optimizer.Count);
        }
    }

    [Fact]
    public void Adamw_decays_the_weights_beside_the_adam_step()
    {
        const double lr = 0.05, wd = 0.1;
        var adamw = new Adam(new ConstantSchedule(lr), 0.9, 0.999, 1e-8, wd, Decoupled: true);
        var adam = new Adam(new ConstantSchedule(lr), 0.9, 0.999, 1e-8, 0, Decoupled: false);
        var theta = Bits.Of(Case.Network);
        var withDecay = Bits.Of(Training.Step(new TrainConfig(MeanSquaredError.Instance, adamw), TrainState.Initial(Case.Network, adamw, Rng.FromSeed(0)), Case.Data).State.Network);
        var plain = Bits.Of(Training.Step(new TrainConfig(MeanSquaredError.Instance, adam), TrainState.Initial(Case.Network, adam, Rng.FromSeed(0)), Case.Data).State.Network);
        AssertClose(plain.Zip(theta, (p, t) => p - lr * wd * t).ToArray(), withDecay, 1e-14);
    }

    [Fact]
    public void Momentum_and_nesterov_follow_their_recurrences()
    {
        const double lr = 0.1, mu = 0.8;
        foreach (var nesterov in new[] { false, true })
        {
            var optimizer = new Momentum(new ConstantSchedule(lr), mu, nesterov);
            var config = new TrainConfig(MeanSquaredError.Instance, optimizer);
            var state = TrainState.Initial(Case.Network, optimizer, Rng.FromSeed(0));
            var theta = Bits.Of(Case.Network);
            var velocity = new double[theta.Length];
            for (var t = 0; t < 3; t++)
            {
                var g = Bits.Of(Training.Gradient(state.Network, MeanSquaredError.Instance, Case.Data));
                for (var i = 0; i < theta.Length; i++)
                {
                    velocity[i] = mu * velocity[i] + g[i];
                    theta[i] -= lr * (nesterov ? g[i] + mu * velocity[i] : velocity[i]);
                }
                state = Training.Step(config, state, Case.Data).State;
                AssertClose(theta, Bits.Of(state.Network));
            }
        }
    }

    [Fact]
    public void Sgd_with_weight_decay_adds_lambda_theta_to_the_gradient()
    {
        var optimizer = new Sgd(new ConstantSchedule(0.3), 0.01);
        var g = Bits.Of(Training.Gradient(Case.Network, MeanSquaredError.Instance, Case.Data));
        var theta = Bits.Of(Case.Network);
        var (config, start) = (new TrainConfig(MeanSquaredError.Instance, optimizer), TrainState.Initial(Case.Network, optimizer, Rng.FromSeed(0)));
        var expected = theta.Zip(g, (t, gi) => t - 0.3 * (gi + 0.01 * t)).ToArray();
        // The fused step and the reference chain (AddDecayedWeights, then the learning rate) each.
        Assert.True(Bits.Same(expected, Bits.Of(Training.Step(config, start, Case.Data).State.Network)));
        Assert.True(Bits.Same(expected, Bits.Of(Training.ReferenceStep(config, start, Case.Data).State.Network)));
    }

    [Theory]
    [InlineData("sgd", "AddDecayedWeights ScaleByLearningRate")]
    [InlineData("momentum", "AddDecayedWeights Trace ScaleByLearningRate")]
    [InlineData("nesterov", "AddDecayedWeights Trace ScaleByLearningRate")]
    [InlineData("adam", "AddDecayedWeights ScaleByAdam ScaleByLearningRate")]
    [InlineData("adamw", "ScaleByAdam AddDecayedWeights ScaleByLearningRate")]
    [InlineData("amsgrad", "AddDecayedWeights ScaleByAmsgrad ScaleByLearningRate")]
    public void Every_named_optimizer_is_a_chain_that_clips_first_when_asked(string name, string parts)
    {
        string Parts(double? clip) => string.Join(" ", ((Optimizer)Optimizer.Create(name, new ConstantSchedule(0.1), 0.9, 0.9, 0.999, 1e-8, 0.01, clip))
            .Transformation.Parts.Select(p => p.GetType().Name));
        Assert.Equal(parts, Parts(null));
        Assert.Equal("ClipByGlobalNorm " + parts, Parts(2.5));
    }

    [Fact]
    public void Clipping_and_amsgrad_are_named_in_the_summary()
    {
        var optimizer = (Optimizer)Optimizer.Create("amsgrad", new ConstantSchedule(0.1), 0.9, 0.9, 0.999, 1e-8, 0, 1.5);
        Assert.Equal("amsgrad(lr=0.1, beta1=0.9, beta2=0.999, eps=1E-08, weight_decay=0, clip_norm=1.5, schedule=constant)", optimizer.ToString());
    }
}
