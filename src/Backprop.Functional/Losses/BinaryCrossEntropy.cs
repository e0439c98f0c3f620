using System.Runtime.CompilerServices;
using Backprop.Functional.Numerics;
using MathNet.Numerics.LinearAlgebra;

namespace Backprop.Functional;

/// <summary>
/// Sigmoid binary cross-entropy, from the logits: L = mean over every element of
/// max(z, 0) − z·y + log(1 + e^−|z|), which equals −[y·log σ(z) + (1 − y)·log(1 − σ(z))]
/// without ever taking log(0). Its gradient with respect to z is (σ(z) − y)/N.
/// </summary>
public sealed record BinaryCrossEntropy : Loss
{
    /// <summary>The one instance.</summary>
    public static BinaryCrossEntropy Instance { get; } = new();

    /// <inheritdoc/>
    public override string Name => "binary-cross-entropy";

    /// <inheritdoc/>
    public override Activation? RequiredOutputActivation => Sigmoid.Instance;

    /// <inheritdoc/>
    public override double Value(LayerTrace output, Matrix<double> targets)
    {
        RequireSameShape(output.PreActivation, targets);
        return Value(ColumnMajor.Of(output.PreActivation), ColumnMajor.Of(targets));
    }

    /// <summary>dL/dz = (σ(z) − y)/N, with σ(z) the output h.</summary>
    public override Matrix<double> OutputGradient(LayerTrace output, Activation outputActivation, Matrix<double> targets)
    {
        RequireSameShape(output.Activation, targets);
        return DifferenceOver(targets.RowCount * targets.ColumnCount, output.Activation, targets);
    }

    /// <summary>Σ (max(z, 0) − z·y + log1p(e^−|z|)) / N, the terms added in storage order.</summary>
    // One compiled body serves the reference path and the fused step, so the two agree to the bit
    // (NaN payloads included); optimized at once, as the step runs it from its first call.
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static double Value(ColumnMajor z, ColumnMajor y)
    {
        var sum = 0.0;
        for (var i = 0; i < y.Count; i++)
            sum += Term(z[i], y[i]);
        return sum / y.Count;
    }

    /// <summary>One term of <see cref="Value(ColumnMajor, ColumnMajor)"/>'s sum, as it adds it: for an evaluation that adds them a batch of rows at a time.</summary>
    internal static double Term(double z, double y) =>
        Math.Max(z, 0.0) - z * y + DeterministicMath.Log1p(DeterministicMath.Exp(-Math.Abs(z)));
}
