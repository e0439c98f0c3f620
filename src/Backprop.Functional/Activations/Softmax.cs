using System.Runtime.CompilerServices;
using Backprop.Functional.Numerics;
using MathNet.Numerics.LinearAlgebra;

namespace Backprop.Functional;

/// <summary>
/// Row-wise softmax for an output layer: h_j = e^(z_j − max z) / Σ_k e^(z_k − max z).
/// Its backward rule is dz_j = h_j·(dh_j − Σ_k dh_k·h_k); paired with cross-entropy the loss
/// skips it and uses (h − y) directly.
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
        OfRows(ColumnMajor.Of(z), new WritableColumnMajor(h, z.RowCount));
        return Dense.Matrix(z.RowCount, z.ColumnCount, h);
    }

    /// <inheritdoc/>
    public override Matrix<double> Backpropagate(Matrix<double> z, Matrix<double> h, Matrix<double> dh)
    {
        var dz = new double[h.RowCount * h.ColumnCount];
        Chain(ColumnMajor.Of(h), ColumnMajor.Of(dh), new WritableColumnMajor(dz, h.RowCount));
        return Dense.Matrix(h.RowCount, h.ColumnCount, dz);
    }

    /// <summary>h = the softmax of each row of z, the row's maximum subtracted first so that e^z never overflows.</summary>
    // One compiled body serves the reference path and the fused step, so the two agree to the bit
    // (NaN payloads included); optimized at once, as the step runs it from its first call.
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static void OfRows(ColumnMajor z, WritableColumnMajor h)
    {
        for (var r = 0; r < z.Rows; r++)
        {
            var max = double.NegativeInfinity;
            for (var c = 0; c < z.Columns; c++) max = Math.Max(max, z[r, c]);
            var sum = 0.0;
            for (var c = 0; c < z.Columns; c++)
            {
                var e = DeterministicMath.Exp(z[r, c] - max);
                h[r, c] = e;
                sum += e;
            }
            for (var c = 0; c < z.Columns; c++) h[r, c] /= sum;
        }
    }

    /// <summary>dz = h·(dh − Σ dh·h) row by row; <paramref name="dz"/> may be <paramref name="dh"/> itself (each element is read before it is written).</summary>
    // One compiled body serves the reference path and the fused step, so the two agree to the bit
    // (NaN payloads included); optimized at once, as the step runs it from its first call.
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static void Chain(ColumnMajor h, ColumnMajor dh, WritableColumnMajor dz)
    {
        for (var r = 0; r < h.Rows; r++)
        {
            var dot = 0.0;
            for (var c = 0; c < h.Columns; c++) dot += dh[r, c] * h[r, c];
            for (var c = 0; c < h.Columns; c++) dz[r, c] = h[r, c] * (dh[r, c] - dot);
        }
    }
}
