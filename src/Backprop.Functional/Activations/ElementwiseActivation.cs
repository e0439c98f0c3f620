using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Backprop.Functional.Numerics;
using MathNet.Numerics.LinearAlgebra;

namespace Backprop.Functional;

/// <summary>
/// An activation applied to each element on its own. <typeparamref name="TValue"/> is f,
/// <typeparamref name="TSlope"/> is f′ written in terms of (z, h = f(z)); both run lane by lane
/// so the scalar and batch forms agree bit for bit.
/// </summary>
public abstract record ElementwiseActivation<TValue, TSlope> : Activation
    where TValue : struct, ILaneFunction
    where TSlope : struct, ILaneFunction2
{
    /// <summary>f(z) for one number.</summary>
    public double Value(double z) => Elementwise.Scalar<TValue>(z);

    /// <summary>f′(z) for one number, given h = f(z).</summary>
    public double Derivative(double z, double h) => Elementwise.Scalar<TSlope>(z, h);

    /// <inheritdoc/>
    public override Matrix<double> Apply(Matrix<double> z)
    {
        var h = new double[z.RowCount * z.ColumnCount];
        Elementwise.Map<TValue>(Dense.Data(z), h);
        return Dense.Matrix(z.RowCount, z.ColumnCount, h);
    }

    /// <inheritdoc/>
    public override Matrix<double> Backpropagate(Matrix<double> z, Matrix<double> h, Matrix<double> dh)
    {
        var dz = new double[z.RowCount * z.ColumnCount];
        Elementwise.Map<ChainRule>(Dense.Data(z), Dense.Data(h), Dense.Data(dh), dz);
        return Dense.Matrix(z.RowCount, z.ColumnCount, dz);
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal override void AddBiasAndApply(Span<double> z, ReadOnlySpan<double> bias, Span<double> h, int rows, bool keepPreActivation) =>
        Elementwise.AddBiasThenMap<TValue>(z, bias, h, rows, keepPreActivation);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal override void BackpropagateInPlace(ReadOnlySpan<double> z, ReadOnlySpan<double> h, Span<double> dh, int rows, int columns)
    {
        var length = rows * columns;
        Elementwise.Map<ChainRule>(z[..length], h[..length], dh[..length], dh);
    }

    /// <summary>dL/dz = dL/dh · f′(z).</summary>
    private readonly struct ChainRule : ILaneFunction3
    {
        public static Vector256<double> Apply(Vector256<double> z, Vector256<double> h, Vector256<double> dh) =>
            dh * TSlope.Apply(z, h);
    }
}
