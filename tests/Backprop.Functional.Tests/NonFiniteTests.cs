using Backprop.Functional.Numerics;
using LanguageExt;

namespace Backprop.Functional.Tests;

/// <summary>How the first NaN or ±∞ of a step is found and named, and how many skips a policy allows.</summary>
public sealed class NonFiniteTests
{
    private static Gradients TwoLayers(double[] firstWeight, double[] firstBias, double[] secondWeight, double[] secondBias) =>
        new(Arr.create(
            new LayerGradients(Dense.FromRowMajor(2, 3, firstWeight), Dense.Vector(firstBias)),
            new LayerGradients(Dense.FromRowMajor(1, 2, secondWeight), Dense.Vector(secondBias))));

    private static readonly double[] Six = [1, 2, 3, 4, 5, 6];

    [Fact]
    public void A_finite_loss_is_nothing_and_a_loss_that_is_not_is_named()
    {
        Assert.Null(NonFinite.InLoss(1e308));
        Assert.Equal(new NonFinite("the loss", "", "", double.NaN), NonFinite.InLoss(double.NaN));
        Assert.Equal("NaN in the loss", NonFinite.InLoss(double.NaN)!.Describe());
        Assert.Equal("+Inf in the loss", NonFinite.InLoss(double.PositiveInfinity)!.Describe());
        Assert.Equal("-Inf in the loss", NonFinite.InLoss(double.NegativeInfinity)!.Describe());
    }

    [Fact]
    public void Finite_values_have_nothing_to_name() =>
        Assert.Null(NonFinite.In(TwoLayers(Six, [1, 2], [1, 2], [1]), "the gradient of"));

    [Fact]
    public void The_first_is_found_layer_by_layer_weight_before_bias_row_major_with_its_index()
    {
        // [0, 2] and [1, 0] of the 2 × 3 weight are bad: [0, 2] comes first row by row, [1, 0] first in column-major storage.
        var weight = (double[])Six.Clone();
        (weight[3], weight[2]) = (double.NegativeInfinity, double.NaN);
        var found = NonFinite.In(TwoLayers(weight, [double.NaN, 0], [1, 2], [1]), "the gradient of")!;
        Assert.Equal("NaN in the gradient of layers.0.weight[0, 2]", found.Describe());

        weight[2] = 3;
        Assert.Equal("-Inf in the gradient of layers.0.weight[1, 0]", NonFinite.In(TwoLayers(weight, [double.NaN, 0], [1, 2], [1]), "the gradient of")!.Describe());
        Assert.Equal("NaN in the updated layers.0.bias[1]", NonFinite.In(TwoLayers(Six, [0, double.NaN], [double.NaN, 2], [1]), "the updated")!.Describe());
        Assert.Equal("+Inf in the updated layers.1.bias[0]", NonFinite.In(TwoLayers(Six, [0, 0], [1, 2], [double.PositiveInfinity]), "the updated")!.Describe());
    }

    [Fact]
    public void A_skip_policy_allows_exactly_its_number_of_skips_and_stop_allows_none()
    {
        var skip = NonFinitePolicy.Skip(2);
        Assert.True(skip.MaySkip(0));
        Assert.True(skip.MaySkip(1));
        Assert.False(skip.MaySkip(2));
        Assert.False(NonFinitePolicy.Skip(0).MaySkip(0));
        Assert.False(NonFinitePolicy.Stop.MaySkip(0));
    }
}
