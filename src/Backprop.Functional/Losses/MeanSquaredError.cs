using System.Runtime.CompilerServices;
using Backprop.Functional.Numerics;
using MathNet.Numerics.LinearAlgebra;

namespace Backprop.Functional;

/// <summary>
/// L = ½·mean((h − y)²) over every output of every row: the value the seed notebook prints.
/// Its true gradient is dL/dh = (h − y)/N with N = rows × outputs. (The seed stepped with
/// h − y, the gradient of ½·sum, so its alpha equals our learning rate divided by N.)
/// </summary>
public sealed record MeanSquaredError : Loss
{
    /// <summary>The one instance.</summary>
    public static MeanSquaredError Instance { get; } = new();

    /// <inheritdoc/>
    public override string Name => "mse";

    /// <inheritdoc/>
    public override double Value(LayerTrace output, Matrix<double> targets)
    {
        RequireSameShape(output.Activation, targets);
        return Value(ColumnMajor.Of(output.Activation), ColumnMajor.Of(targets));
    }

    /// <summary>dL/dz = f′ · dL/dh through the output activation f.</summary>
    public override Matrix<double> OutputGradient(LayerTrace output, Activation outputActivation, Matrix<double> targets) =>
        outputActivation.Backpropagate(output.PreActivation, output.Activation, ActivationGradient(output, targets));

    /// <summary>dL/dh = (h − y)/N.</summary>
    public override Matrix<double> ActivationGradient(LayerTrace output, Matrix<double> targets)
    {
        RequireSameShape(output.Activation, targets);
        return DifferenceOver(targets.RowCount * targets.ColumnCount, output.Activation, targets);
    }

    /// <summary>½·(Σ (h − y)² / N), the squares added in storage order.</summary>
    // One compiled body serves the reference path and the fused step, so the two agree to the bit
    // (NaN payloads included); optimized at once, as the step runs it from its first call.
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static double Value(ColumnMajor h, ColumnMajor y)
    {
        var sum = 0.0;
        for (var i = 0; i < y.Count; i++) sum += Term(h[i], y[i]);
        return 0.5 * (sum / y.Count);
    }

    /// <summary>One term of <see cref="Value(ColumnMajor, ColumnMajor)"/>'s sum, (h − y)², as it adds it: for an evaluation that adds them a batch of rows at a time.</summary>
    internal static double Term(double h, double y)
    {
        var d = h - y;
        return d * d;
    }
}
