using System.Runtime.CompilerServices;
using Backprop.Functional.Numerics;
using MathNet.Numerics.LinearAlgebra;

namespace Backprop.Functional;

/// <summary>
/// Softmax cross-entropy, from the logits: L = mean over rows of Σ_j y_j·(logsumexp(z) − z_j),
/// computed with the maximum subtracted so that huge logits neither overflow nor lose the
/// answer. Its gradient with respect to the logits is (softmax(z) − y)/rows.
/// </summary>
public sealed record CrossEntropy : Loss
{
    /// <summary>The one instance.</summary>
    public static CrossEntropy Instance { get; } = new();

    /// <inheritdoc/>
    public override string Name => "cross-entropy";

    /// <inheritdoc/>
    public override Activation? RequiredOutputActivation => Softmax.Instance;

    /// <inheritdoc/>
    public override double Value(LayerTrace output, Matrix<double> targets)
    {
        RequireSameShape(output.PreActivation, targets);
        return Value(ColumnMajor.Of(output.PreActivation), ColumnMajor.Of(targets));
    }

    /// <summary>dL/dz = (softmax(z) − y)/rows, with softmax(z) the output h.</summary>
    public override Matrix<double> OutputGradient(LayerTrace output, Activation outputActivation, Matrix<double> targets)
    {
        RequireSameShape(output.Activation, targets);
        return DifferenceOver(targets.RowCount, output.Activation, targets);
    }

    /// <summary>Σ over rows, then columns, of y_j·(logsumexp(z) − z_j) where y_j ≠ 0, divided by the rows.</summary>
    // One compiled body serves the reference path and the fused step, so the two agree to the bit
    // (NaN payloads included); optimized at once, as the step runs it from its first call.
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static double Value(ColumnMajor z, ColumnMajor y) => AddRows(0.0, z, y) / y.Rows;

    /// <summary>
    /// <paramref name="total"/> with the terms of <see cref="Value(ColumnMajor, ColumnMajor)"/> for the rows of
    /// <paramref name="z"/> added as it adds them (row by row, then column by column): its sum
    /// runs in row order, so batches of rows added one after another give its bits.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static double AddRows(double total, ColumnMajor z, ColumnMajor y)
    {
        for (var r = 0; r < y.Rows; r++)
        {
            var max = double.NegativeInfinity;
            for (var c = 0; c < y.Columns; c++) max = Math.Max(max, z[r, c]);
            var sum = 0.0;
            for (var c = 0; c < y.Columns; c++) sum += DeterministicMath.Exp(z[r, c] - max);
            var logSumExp = max + DeterministicMath.Log(sum);
            for (var c = 0; c < y.Columns; c++)
            {
                var target = y[r, c];
                if (target != 0) total += target * (logSumExp - z[r, c]);
            }
        }
        return total;
    }
}
