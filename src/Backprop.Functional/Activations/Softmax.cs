using System.Runtime.CompilerServices;
using Backprop.Functional.Numerics;
using MathNet.Numerics.LinearAlgebra;

namespace Backprop.Functional;

/// <summary>
/// Row-wise softmax for an output layer: h_j = e^(z_j − max z) / Σ_k e^(z_k − max z).
/// Its backward rule is dz_j = h_j·(dh_j − Σ_k dh_k·h_k); paired with cross-entropy the loss
/// skips it and uses the fused (h − y) directly.
/// </summary>
public sealed record Softmax : Activation
{
    /// <summary>The one instance.</summary>
    public static Softmax Instance { get; } = new();

    /// <inheritdoc/>
    public override string Name => "softmax";

    /// <inheritdoc/>
    public override bool AllowedOnHiddenLayers => false;

    /// <inheritdoc/>
    public override Matrix<double> Apply(Matrix<double> z)
    {
        var h = new double[z.RowCount * z.ColumnCount];
        Rows(Dense.Data(z), h, z.RowCount, z.ColumnCount);
        return Dense.Matrix(z.RowCount, z.ColumnCount, h);
    }

    /// <inheritdoc/>
    public override Matrix<double> Backpropagate(Matrix<double> z, Matrix<double> h, Matrix<double> dh)
    {
        var dz = new double[h.RowCount * h.ColumnCount];
        Chain(Dense.Data(h), Dense.Data(dh), dz, h.RowCount, h.ColumnCount);
        return Dense.Matrix(h.RowCount, h.ColumnCount, dz);
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal override void AddBiasAndApply(Span<double> z, ReadOnlySpan<double> bias, Span<double> h, int rows, bool keepPreActivation)
    {
        Elementwise.AddBias(z, bias, rows);
        Rows(z, h, rows, bias.Length);
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal override void BackpropagateInPlace(ReadOnlySpan<double> z, ReadOnlySpan<double> h, Span<double> dh, int rows, int columns) =>
        Chain(h, dh, dh, rows, columns);

    /// <summary>h = softmax of each row of the column-major z.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Rows(ReadOnlySpan<double> zs, Span<double> h, int rows, int columns)
    {
        for (var r = 0; r < rows; r++)
        {
            var max = double.NegativeInfinity;
            for (var c = 0; c < columns; c++) max = Math.Max(max, zs[c * rows + r]);
            var sum = 0.0;
            for (var c = 0; c < columns; c++)
            {
                var e = DeterministicMath.Exp(zs[c * rows + r] - max);
                h[c * rows + r] = e;
                sum += e;
            }
            for (var c = 0; c < columns; c++) h[c * rows + r] /= sum;
        }
    }

    /// <summary>dz = h·(dh − Σ dh·h) row by row; <paramref name="dz"/> may be <paramref name="dhs"/> (each element is read before it is written).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Chain(ReadOnlySpan<double> hs, ReadOnlySpan<double> dhs, Span<double> dz, int rows, int columns)
    {
        for (var r = 0; r < rows; r++)
        {
            var dot = 0.0;
            for (var c = 0; c < columns; c++) dot += dhs[c * rows + r] * hs[c * rows + r];
            for (var c = 0; c < columns; c++) dz[c * rows + r] = hs[c * rows + r] * (dhs[c * rows + r] - dot);
        }
    }
}
