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
        var (rows, columns) = (z.RowCount, z.ColumnCount);
        var zs = Dense.Data(z);
        var h = new double[zs.Length];
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
        return Dense.Matrix(rows, columns, h);
    }

    /// <inheritdoc/>
    public override Matrix<double> Backpropagate(Matrix<double> z, Matrix<double> h, Matrix<double> dh)
    {
        var (rows, columns) = (z.RowCount, z.ColumnCount);
        var hs = Dense.Data(h);
        var dhs = Dense.Data(dh);
        var dz = new double[hs.Length];
        for (var r = 0; r < rows; r++)
        {
            var dot = 0.0;
            for (var c = 0; c < columns; c++) dot += dhs[c * rows + r] * hs[c * rows + r];
            for (var c = 0; c < columns; c++) dz[c * rows + r] = hs[c * rows + r] * (dhs[c * rows + r] - dot);
        }
        return Dense.Matrix(rows, columns, dz);
    }
}
