using Backprop.Functional.Numerics;
using Backprop.Functional.Tests.Support;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Backprop.Functional.Tests;

/// <summary>Laws of gradient values.</summary>
public sealed class GradientsTests
{
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
        var gradient = new Gradients(new LanguageExt.Arr<LayerGradients>([
            new LayerGradients(Dense.Matrix(3, 3, values), Dense.Vector([0.0, -0.0, 1.0, -0.0, 5.0])),
        ]));
        Assert.True(Bits.Same(Bits.Of(gradient.Map(g => -(0.5 * g))), Bits.Of(gradient.DescentSteps(0.5))));
    }
}
