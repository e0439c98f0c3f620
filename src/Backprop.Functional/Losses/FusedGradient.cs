using System.Runtime.CompilerServices;
using Backprop.Functional.Numerics;
using MathNet.Numerics.LinearAlgebra;

namespace Backprop.Functional;

/// <summary>(h − y)/n: what a fused activation + loss pair hands to its logits, and mse's dL/dh.</summary>
internal static class FusedGradient
{
    public static Matrix<double> OfMeanOver(int count, Matrix<double> predictions, Matrix<double> targets)
    {
        var dz = new double[targets.RowCount * targets.ColumnCount];
        OfMeanOver(count, Dense.Data(predictions), Dense.Data(targets), dz);
        return Dense.Matrix(targets.RowCount, targets.ColumnCount, dz);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void OfMeanOver(int count, ReadOnlySpan<double> h, ReadOnlySpan<double> y, Span<double> dz)
    {
        for (var i = 0; i < y.Length; i++) dz[i] = (h[i] - y[i]) / count;
    }
}
