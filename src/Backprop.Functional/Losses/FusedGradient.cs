using Backprop.Functional.Numerics;
using MathNet.Numerics.LinearAlgebra;

namespace Backprop.Functional;

/// <summary>The gradient a fused activation + loss pair hands to its logits: (h − y)/n.</summary>
internal static class FusedGradient
{
    public static Matrix<double> OfMeanOver(int count, Matrix<double> predictions, Matrix<double> targets)
    {
        var h = Dense.Data(predictions);
        var y = Dense.Data(targets);
        var dz = new double[h.Length];
        for (var i = 0; i < h.Length; i++) dz[i] = (h[i] - y[i]) / count;
        return Dense.Matrix(targets.RowCount, targets.ColumnCount, dz);
    }
}
