using Backprop.Functional.Tests.Support;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Backprop.Functional.Tests.Optimizers;

/// <summary>Clipping by the global norm as PyTorch's <c>clip_grad_norm_</c> does it.</summary>
public sealed class ClipByGlobalNormTests
{
    public static class Gradients
    {
        public static Arbitrary<NetworkCase> Cases() => NetworkCase.Arbitrary(["tanh", "sigmoid", "relu"]);
    }

    private static Functional.Gradients GradientOf(NetworkCase c) => Training.Gradient(c.Network, c.Loss, c.Data);

    private static Functional.Gradients Clip(Functional.Gradients g, double max, NetworkCase c) => new ClipByGlobalNorm(max).Update(g, c.Network, 0);

    [Property(MaxTest = 300, Arbitrary = [typeof(Gradients)])]
    public Property Clipping_never_increases_the_global_norm(NetworkCase c, PositiveInt scale)
    {
        var g = GradientOf(c);
        var max = g.GlobalNorm() * scale.Get / 16;
        return (Clip(g, max, c).GlobalNorm() <= g.GlobalNorm()).Label($"norm {g.GlobalNorm():R}, max {max:R}");
    }

    [Property(MaxTest = 300, Arbitrary = [typeof(Gradients)])]
    public Property Gradients_whose_norm_plus_the_guard_is_within_the_maximum_pass_bit_for_bit(NetworkCase c, PositiveInt headroom)
    {
        var g = GradientOf(c);
        var max = (g.GlobalNorm() + ClipByGlobalNorm.NormGuard) * (1 + headroom.Get / 1000.0);
        return Bits.Same(Bits.Of(g), Bits.Of(Clip(g, max, c))).Label($"norm {g.GlobalNorm():R}, max {max:R}");
    }

    [Property(MaxTest = 300, Arbitrary = [typeof(Gradients)])]
    public Property Larger_gradients_are_scaled_by_max_over_norm_plus_the_guard(NetworkCase c, PositiveInt fraction)
    {
        var g = GradientOf(c);
        var norm = g.GlobalNorm();
        var max = norm / (1 + fraction.Get);
        var factor = max / (norm + ClipByGlobalNorm.NormGuard);
        var clipped = Clip(g, max, c);
        var scaled = Bits.Same(Bits.Of(g).Select(x => factor * x).ToArray(), Bits.Of(clipped));
        var reached = norm == 0 || Math.Abs(clipped.GlobalNorm() - max) <= 1e-12 * max + ClipByGlobalNorm.NormGuard;
        return (scaled && reached).Label($"norm {norm:R}, max {max:R}, clipped norm {clipped.GlobalNorm():R}");
    }

    [Property(MaxTest = 200, Arbitrary = [typeof(Gradients)])]
    public Property The_global_norm_is_pytorchs_norm_of_the_tensor_norms(NetworkCase c)
    {
        // torch: total_norm = vector_norm(stack([vector_norm(g) for g in grads])); the same sum in another order.
        var g = GradientOf(c);
        var tensorNorms = g.Tensors().Select(t => Math.Sqrt(t.Values.Sum(x => x * x))).ToArray();
        var torch = Math.Sqrt(tensorNorms.Sum(n => n * n));
        return (Math.Abs(torch - g.GlobalNorm()) <= 1e-14 * torch).Label($"torch {torch:R}, ours {g.GlobalNorm():R}");
    }

    [Fact]
    public void The_global_norm_sums_in_its_documented_order()
    {
        // Squares whose sum depends on the order: 1e16 absorbs a lone 1 but not sixteen of them added first.
        var values = new double[35];
        values[0] = 1e8;
        for (var i = 1; i < values.Length; i++) values[i] = 1;
        var sums = new double[16];
        for (var i = 0; i < values.Length; i++) sums[i % 16] += values[i] * values[i];
        var t = Enumerable.Range(0, 4).Select(j => (sums[j] + sums[4 + j]) + (sums[8 + j] + sums[12 + j])).ToArray();
        var expected = Math.Sqrt((t[0] + t[1]) + (t[2] + t[3]));
        Assert.Equal(expected, Functional.Numerics.GlobalNorm.Of([values]));
        Assert.NotEqual(Math.Sqrt(values.Aggregate(0.0, (s, x) => s + x * x)), expected);
    }

    [Fact]
    public void An_infinite_norm_zeroes_the_updates_and_a_nan_norm_scales_nothing()
    {
        var c = new NetworkCase([2, 3, 1], ["tanh", "identity"], 2, 5);
        var g = GradientOf(c);
        var huge = g.Map(x => x * 1e300);
        Assert.True(double.IsPositiveInfinity(huge.GlobalNorm()));
        Assert.All(Bits.Of(Clip(huge, 1, c)), x => Assert.Equal(0, x));
        var poisoned = g.Map(x => double.NaN);
        Assert.True(Bits.Same(Bits.Of(poisoned), Bits.Of(Clip(poisoned, 1, c))));
    }
}
