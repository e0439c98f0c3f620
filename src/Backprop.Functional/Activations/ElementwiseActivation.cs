using Backprop.Functional.Numerics;
using MathNet.Numerics.LinearAlgebra;

namespace Backprop.Functional;

/// <summary>
/// An activation applied to each number on its own: h = f(z) and dL/dz = dL/dh · f′(z), with f
/// and f′ given by <typeparamref name="TFunction"/>.
/// </summary>
public abstract record ElementwiseActivation<TFunction> : Activation
    where TFunction : struct, IElementwiseFunction
{
    /// <summary>f(z) for one number.</summary>
    public double Value(double z) => Elementwise.Value<TFunction>(z);

    /// <summary>f′(z) for one number, given h = f(z).</summary>
    public double Derivative(double z, double h) => Elementwise.Slope<TFunction>(z, h);

    /// <inheritdoc/>
    public override Matrix<double> Apply(Matrix<double> z)
    {
        var h = new double[z.RowCount * z.ColumnCount];
        Elementwise.Apply<Lanes4, TFunction>(Dense.Data(z), h);
        return Dense.Matrix(z.RowCount, z.ColumnCount, h);
    }

    /// <inheritdoc/>
    public override Matrix<double> Backpropagate(Matrix<double> z, Matrix<double> h, Matrix<double> dh)
    {
        var dz = new double[z.RowCount * z.ColumnCount];
        Elementwise.ChainRule<Lanes4, TFunction>(Dense.Data(z), Dense.Data(h), Dense.Data(dh), dz);
        return Dense.Matrix(z.RowCount, z.ColumnCount, dz);
    }
}
