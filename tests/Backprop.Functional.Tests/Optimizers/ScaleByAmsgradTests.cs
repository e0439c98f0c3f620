using Backprop.Functional.Tests.Support;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Backprop.Functional.Tests.Optimizers;

/// <summary>AMSGrad as PyTorch's <c>Adam(amsgrad=True)</c>: the running maximum of the raw second moments, bias-corrected afterwards.</summary>
public sealed class ScaleByAmsgradTests
{
    private static readonly NetworkCase Case = new([3, 4, 2], ["tanh", "sigmoid"], 4, 12);

    private static void AssertClose(double[] expected, double[] actual, double tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance * Math.Max(1, Math.Abs(expected[i])), $"element {i}: expected {expected[i]:R}, got {actual[i]:R}");
    }

    [Fact]
    public void Amsgrads_first_three_steps_follow_pytorch()
    {
        // torch.optim.Adam(amsgrad=True), single-tensor form, written out by hand.
        const double lr = 0.01, b1 = 0.9, b2 = 0.999, eps = 1e-8;
        var optimizer = new AmsGrad(new ConstantSchedule(lr), b1, b2, eps);
        var config = new TrainConfig(MeanSquaredError.Instance, optimizer);
        var state = TrainState.Initial(Case.Network, optimizer, Rng.FromSeed(0));
        var theta = Bits.Of(Case.Network);
        var (m, v, vMax) = (new double[theta.Length], new double[theta.Length], new double[theta.Length]);
        for (var t = 1; t <= 3; t++)
        {
            var g = Bits.Of(Training.Gradient(state.Network, MeanSquaredError.Instance, Case.Data));
            var (biasCorrection1, biasCorrection2) = (1 - Math.Pow(b1, t), 1 - Math.Pow(b2, t));
            for (var i = 0; i < theta.Length; i++)
            {
                m[i] = b1 * m[i] + (1 - b1) * g[i];
                v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
                vMax[i] = Math.Max(vMax[i], v[i]);
                var denominator = Math.Sqrt(vMax[i]) / Math.Sqrt(biasCorrection2) + eps;
                theta[i] -= lr / biasCorrection1 * m[i] / denominator;
            }
            state = Training.Step(config, state, Case.Data).State;
            AssertClose(theta, Bits.Of(state.Network), 1e-14);
            AssertClose(m, Bits.Of(state.Optimizer.Slot(ScaleByAdamState.FirstMomentSlot)), 1e-15);
            AssertClose(v, Bits.Of(state.Optimizer.Slot(ScaleByAdamState.SecondMomentSlot)), 1e-15);
            AssertClose(vMax, Bits.Of(state.Optimizer.Slot(ScaleByAmsgradState.MaxSecondMomentSlot)), 1e-15);
        }
    }

    [Property(MaxTest = 100)]
    public Property V_max_is_the_elementwise_maximum_of_every_raw_v_so_far_and_never_decreases(PositiveInt seed)
    {
        // Gradients that shrink and grow again, so that v falls below its maximum and rises past it.
        var amsgrad = new ScaleByAmsgrad(0.5, 0.6, 1e-8);
        var c = Case with { Seed = (ulong)seed.Get };
        var gradient = Training.Gradient(c.Network, c.Loss, c.Data);
        var state = amsgrad.Init(c.Network);
        var largest = Bits.Of(state.VMax);
        var ok = true;
        foreach (var (factor, count) in new[] { 3.0, 0.1, 0.01, 5.0, 0.2 }.Select((f, i) => (f, i)))
        {
            var before = Bits.Of(state.VMax);
            (_, state) = amsgrad.Update(gradient.Scale(factor), state, c.Network, count);
            largest = largest.Zip(Bits.Of(state.V), Math.Max).ToArray();
            ok &= Bits.Same(largest, Bits.Of(state.VMax)) && before.Zip(Bits.Of(state.VMax)).All(p => p.Item2 >= p.Item1);
        }
        return ok.Label("v_max is not the running maximum of v");
    }

    [Property(MaxTest = 100)]
    public Property The_first_step_is_adams_bit_for_bit(PositiveInt seed)
    {
        var c = Case with { Seed = (ulong)seed.Get };
        var (amsgrad, adam) = (new AmsGrad(new ConstantSchedule(0.01), 0.9, 0.999, 1e-8), new Adam(new ConstantSchedule(0.01), 0.9, 0.999, 1e-8, 0, false));
        var gradient = Training.Gradient(c.Network, c.Loss, c.Data);
        var (a, _) = amsgrad.Update(gradient, amsgrad.Init(c.Network), c.Network);
        var (b, _) = adam.Update(gradient, adam.Init(c.Network), c.Network);
        return Bits.Same(Bits.Of(a), Bits.Of(b)).Label("v_max = max(0, v) = v, so the first step must be Adam's");
    }
}
