using MathNet.Numerics.LinearAlgebra;

namespace Backprop.Functional.Tests.Support;

/// <summary>h = z³: an activation the library does not define, so it has no fast kernel and runs through its own methods.</summary>
public sealed record Cube : Activation
{
    /// <inheritdoc/>
    public override string Name => "cube";

    /// <inheritdoc/>
    public override Matrix<double> Apply(Matrix<double> z) => z.PointwiseMultiply(z).PointwiseMultiply(z);

    /// <inheritdoc/>
    public override Matrix<double> Backpropagate(Matrix<double> z, Matrix<double> h, Matrix<double> dh) =>
        dh.PointwiseMultiply(z.PointwiseMultiply(z)).Multiply(3.0);
}
