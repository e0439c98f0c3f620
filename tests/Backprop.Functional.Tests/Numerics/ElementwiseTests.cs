using Backprop.Functional.Numerics;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Lanes4 = Backprop.Functional.Numerics.Lanes<System.Runtime.Intrinsics.Vector256<double>, Backprop.Functional.Numerics.Widths>;

namespace Backprop.Functional.Tests.Numerics;

/// <summary>Span loops give every element the same bits as the scalar form, whatever the length.</summary>
public sealed class ElementwiseTests
{
    public static class Spans
    {
        public static Arbitrary<double[]> Arrays() => Arb.From(
            from n in Gen.Choose(0, 23)
            from values in Gen.ArrayOf(Gen.Choose(-40_000, 40_000).Select(i => i / 1000.0), n)
            select values);
    }

    [Property(MaxTest = 500, Arbitrary = [typeof(Spans)])]
    public Property Activation_batches_match_their_scalar_values_at_every_length(double[] z)
    {
        var matrix = Dense.Matrix(1, z.Length, (double[])z.Clone());
        var ok = true;
        foreach (var activation in new Activation[] { Sigmoid.Instance, Tanh.Instance, Relu.Instance, LeakyRelu.Instance, Softplus.Instance })
        {
            if (z.Length == 0) continue;
            var h = Dense.Data(activation.Apply(matrix));
            dynamic scalar = activation;
            for (var i = 0; i < z.Length; i++)
                ok &= BitConverter.DoubleToInt64Bits(h[i]) == BitConverter.DoubleToInt64Bits((double)scalar.Value(z[i]));
        }
        return ok.Label("a batch element differs from the scalar value");
    }

    [Fact]
    public void A_destination_shorter_than_its_source_is_refused()
    {
        var refusal = Assert.Throws<ArgumentException>(() => Elementwise.Apply<Lanes4, Tanh.Function>(new double[5], new double[4]));
        Assert.Equal("h holds 4 values, fewer than z's 5", refusal.Message);
    }

    [Theory]
    [InlineData(4, 5, 5, 5)]
    [InlineData(5, 4, 5, 5)]
    [InlineData(5, 5, 4, 5)]
    [InlineData(5, 5, 5, 4)]
    public void A_chain_rule_over_spans_that_disagree_in_length_is_refused(int z, int h, int dh, int dz)
    {
        var refusal = Assert.Throws<ArgumentException>(() =>
            Elementwise.ChainRule<Lanes4, Tanh.Function>(new double[z], new double[h], new double[dh], new double[dz]));
        Assert.Equal($"z, h, dh and dz hold {z}, {h}, {dh} and {dz} values: z, h and dh must agree, and dz must hold as many", refusal.Message);
    }
}
