using Backprop.Functional.Numerics;
using Backprop.Functional.Tests.Support;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Backprop.Functional.Tests;

/// <summary>Gradients form a monoid: Zero is neutral and Add associates.</summary>
public sealed class GradientsTests
{
    /// <summary>Three same-shaped gradient values whose entries are multiples of 2⁻¹⁰ below 2¹⁰, so every sum is exact.</summary>
    public static class DyadicTriples
    {
        public static Arbitrary<(Gradients, Gradients, Gradients)> Triples() => Arb.From(
            from widths in Gen.ArrayOf(Gen.Choose(1, 5), 3)
            from values in Gen.ArrayOf(Gen.Choose(-1 << 20, 1 << 20), 3 * (widths[0] * widths[1] + widths[1] + widths[1] * widths[2] + widths[2]))
            select Build(widths, values.Select(v => v / 1024.0).ToArray()));

        private static (Gradients, Gradients, Gradients) Build(int[] widths, double[] values)
        {
            var position = 0;
            Gradients One()
            {
                var layers = new List<LayerGradients>();
                for (var i = 0; i + 1 < widths.Length; i++)
                {
                    var w = values[position..(position += widths[i] * widths[i + 1])];
                    var b = values[position..(position += widths[i + 1])];
                    layers.Add(new LayerGradients(Dense.FromRowMajor(widths[i + 1], widths[i], w), Dense.Vector(b)));
                }
                return new Gradients(LanguageExt.Arr.createRange(layers));
            }
            return (One(), One(), One());
        }
    }

    [Property(MaxTest = 300, Arbitrary = [typeof(DyadicTriples)])]
    public Property Zero_is_neutral_on_both_sides((Gradients A, Gradients B, Gradients C) t)
    {
        var zero = t.A.Map(_ => 0.0);
        return (t.A.Add(zero).BitEquals(t.A) && zero.Add(t.A).Map(v => v + 0.0).BitEquals(t.A.Map(v => v + 0.0))).Label("x + 0 ≠ x");
    }

    [Property(MaxTest = 300, Arbitrary = [typeof(DyadicTriples)])]
    public Property Addition_associates_exactly_when_sums_are_exact((Gradients A, Gradients B, Gradients C) t) =>
        t.A.Add(t.B).Add(t.C).BitEquals(t.A.Add(t.B.Add(t.C))).Label("(a + b) + c ≠ a + (b + c)");

    [Property(MaxTest = 200, Arbitrary = [typeof(SmoothNetworks)])]
    public Property Real_gradients_associate_up_to_rounding(NetworkCase c)
    {
        var g = Training.Gradient(c.Network, c.Loss, c.Data);
        var (a, b, d) = (g, g.Scale(-0.37), g.Map(v => v * v));
        var left = Bits.Of(a.Add(b).Add(d));
        var right = Bits.Of(a.Add(b.Add(d)));
        var size = Bits.Of(a).Zip(Bits.Of(b), Bits.Of(d)).Select(x => Math.Abs(x.First) + Math.Abs(x.Second) + Math.Abs(x.Third)).ToArray();
        return left.Zip(right, size).All(x => Math.Abs(x.First - x.Second) <= 2 * double.Epsilon + 4.5e-16 * x.Third).Label("off by more than rounding");
    }

    [Fact]
    public void Zero_has_the_networks_shape_and_only_zeros()
    {
        var network = new NetworkCase([3, 4, 2], ["tanh", "sigmoid"], 1, 1).Network;
        var zero = Gradients.Zero(network);
        Assert.Equal(network.Layers.Map(l => (l.Weight.RowCount, l.Weight.ColumnCount, l.Bias.Count)).ToArray(),
                     zero.Layers.Map(l => (l.Weight.RowCount, l.Weight.ColumnCount, l.Bias.Count)).ToArray());
        Assert.All(Bits.Of(zero), v => Assert.Equal(0.0, v));
    }

    [Property(MaxTest = 100, Arbitrary = [typeof(SmoothNetworks)])]
    public Property Descent_steps_are_minus_rate_times_g_bit_for_bit(NetworkCase c)
    {
        var gradient = Training.Gradient(c.Network, c.Loss, c.Data);
        return Bits.Same(Bits.Of(gradient.Map(g => -(0.37 * g))), Bits.Of(gradient.DescentSteps(0.37)))
            .Label("the vectorised descent step differs from -(rate * g)");
    }

    [Fact]
    public void Descent_steps_keep_the_sign_of_zeros_and_nans()
    {
        // 0 − x and −x differ on zeros: −(rate·(+0)) must be −0, as the scalar expression gives.
        double[] values = [0.0, -0.0, 1e-310, -1e-310, -3.5, double.MaxValue, double.NaN, double.NegativeInfinity, 2.0];
        var gradient = new Gradients(LanguageExt.Arr.create(
            new LayerGradients(Dense.Matrix(3, 3, values), Dense.Vector([0.0, -0.0, 1.0, -0.0, 5.0]))));
        Assert.True(Bits.Same(Bits.Of(gradient.Map(g => -(0.5 * g))), Bits.Of(gradient.DescentSteps(0.5))));
    }

    private static Gradients Of(params (int Rows, int Columns, int Bias)[] layers) =>
        new(layers.Select(l => new LayerGradients(Dense.Matrix(l.Rows, l.Columns, new double[l.Rows * l.Columns]), Dense.Vector(new double[l.Bias]))).ToArr());

    [Theory]
    [InlineData(2, 3, 2, 2, 4, 2, "shapes differ")]
    [InlineData(2, 3, 2, 3, 3, 2, "shapes differ")]
    [InlineData(2, 3, 2, 2, 3, 3, "lengths differ")]
    public void Combining_gradients_of_other_shapes_is_refused(int rows, int columns, int bias, int otherRows, int otherColumns, int otherBias, string message)
    {
        // Each dimension alone: a check that needed both to differ would let one through.
        var error = Assert.Throws<ArgumentException>(() => Of((rows, columns, bias)).Add(Of((otherRows, otherColumns, otherBias))));
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void Combining_gradients_of_other_layer_counts_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => Of((2, 3, 2)).Add(Of((2, 3, 2), (1, 2, 1))));
        Assert.Equal("gradients have different layer counts", error.Message);
        var network = new NetworkCase([3, 4, 2], ["tanh", "sigmoid"], 1, 1).Network;
        var apply = Assert.Throws<ArgumentException>(() => Updates.Apply(network, Of((4, 3, 4))));
        Assert.Equal("updates and network have different layer counts", apply.Message);
    }

    [Fact]
    public void Tensors_are_named_as_saved_files_name_them()
    {
        var names = Of((2, 3, 2), (1, 2, 1)).Tensors().Select(t => t.Name);
        Assert.Equal(["layers.0.weight", "layers.0.bias", "layers.1.weight", "layers.1.bias"], names);
    }

    [Fact]
    public void Asking_a_state_for_a_slot_it_does_not_have_names_the_slot()
    {
        var error = Assert.Throws<InvalidOperationException>(() => OptimizerState.Stateless.Slot("m"));
        Assert.Equal("optimizer state has no slot 'm'", error.Message);
    }
}
