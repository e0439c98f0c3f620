using Backprop.Functional.Numerics;
using Backprop.Functional.Tests.Support;

namespace Backprop.Functional.Tests.Structure;

/// <summary>Activations by name, and the slope each kinked one takes at its kink (a choice, so pinned here).</summary>
public sealed class ActivationNamesAndKinksTests
{
    [Fact]
    public void Every_activation_is_listed_and_found_by_its_name_whatever_its_case()
    {
        Assert.Equal("sigmoid|tanh|relu|leaky-relu|softplus|identity|softmax", Activation.Names);
        foreach (var activation in Activation.All)
        {
            Assert.Same(activation, (Activation)Activation.Parse($" {activation.Name.ToUpperInvariant()} "));
            Assert.Equal(activation.Name, activation.ToString());
        }
    }

    [Theory]
    [InlineData("swish", "unknown activation 'swish' (expected sigmoid|tanh|relu|leaky-relu|softplus|identity|softmax)")]
    [InlineData(null, "unknown activation '' (expected sigmoid|tanh|relu|leaky-relu|softplus|identity|softmax)")]
    public void An_unknown_name_is_refused_with_the_names_known(string? name, string message)
    {
        var refusal = Assert.IsType<UnknownName>(Activation.Parse(name!).Match(_ => null!, e => e));
        Assert.Equal((Settings.Activation, message), (refusal.Setting, refusal.Message));
    }

    /// <summary>h and dL/dz at z = −1, −0, +0 and 1 with dL/dh = 1, through the reference pass and through the library's fast kernel.</summary>
    private static (double[] H, double[] Dz) AtTheKink(string name)
    {
        var activation = (Activation)Activation.Parse(name);
        var z = Dense.Matrix(1, 4, [-1.0, -0.0, 0.0, 1.0]);
        var h = activation.Apply(z);
        return (Bits.Of(h), Bits.Of(activation.Backpropagate(z, h, Dense.Matrix(1, 4, [1.0, 1, 1, 1]))));
    }

    [Fact]
    public void Relu_is_zero_with_slope_zero_at_zero()
    {
        var (h, dz) = AtTheKink("relu");
        Assert.Equal([0.0, 0, 0, 1], h);
        Assert.Equal([0.0, 0, 0, 1], dz);
    }

    [Fact]
    public void Leaky_relu_takes_the_leaky_slope_at_zero_and_keeps_the_sign_of_zero()
    {
        var (h, dz) = AtTheKink("leaky-relu");
        Assert.True(Bits.Same(h, [-0.01, -0.0, 0.0, 1.0]), string.Join(", ", h));
        Assert.Equal([0.01, 0.01, 0.01, 1], dz);
    }
}
