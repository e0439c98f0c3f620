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
    public override Matrix<double> Apply(Matrix<double> z) =>
        Dense.FromRows(z.RowCount, z.ColumnCount, r => Of(Dense.Row(z, r)));

    /// <inheritdoc/>
    public override Matrix<double> Backpropagate(Matrix<double> z, Matrix<double> h, Matrix<double> dh) =>
        Dense.FromRows(h.RowCount, h.ColumnCount, r => Chain(Dense.Row(h, r), Dense.Row(dh, r)));

    /// <summary>The softmax of one row: the maximum subtracted first, so that e^z never overflows.</summary>
    public static double[] Of(double[] z)
    {
        var max = z.Aggregate(double.NegativeInfinity, Math.Max);
        var e = z.Select(zj => DeterministicMath.Exp(zj - max)).ToArray();
        var sum = e.Aggregate(0.0, (total, ej) => total + ej);
        return e.Select(ej => ej / sum).ToArray();
    }

    /// <summary>dz_j = h_j·(dh_j − Σ_k dh_k·h_k) for one row.</summary>
    public static double[] Chain(double[] h, double[] dh)
    {
        var dot = dh.Zip(h, (dhj, hj) => dhj * hj).Aggregate(0.0, (total, product) => total + product);
        return h.Zip(dh, (hj, dhj) => hj * (dhj - dot)).ToArray();
    }
}
