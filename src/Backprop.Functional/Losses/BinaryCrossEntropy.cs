using System.Runtime.CompilerServices;
using Backprop.Functional.Numerics;
using MathNet.Numerics.LinearAlgebra;

namespace Backprop.Functional;

/// <summary>
/// Sigmoid binary cross-entropy, fused: L = mean over every element of
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
        return Value(Dense.Data(output.PreActivation), Dense.Data(targets));
    }

    /// <inheritdoc/>
    public override Matrix<double> OutputGradient(LayerTrace output, Activation outputActivation, Matrix<double> targets)
    {
        RequireSameShape(output.Activation, targets);
        return FusedGradient.OfMeanOver(targets.RowCount * targets.ColumnCount, output.Activation, targets);
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal override double Value(ReadOnlySpan<double> z, ReadOnlySpan<double> h, ReadOnlySpan<double> y, int rows) => Value(z, y);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal override void OutputDelta(ReadOnlySpan<double> z, ReadOnlySpan<double> h, ReadOnlySpan<double> y, int rows, Activation outputActivation, Span<double> delta) =>
        FusedGradient.OfMeanOver(y.Length, h, y, delta);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double Value(ReadOnlySpan<double> z, ReadOnlySpan<double> y)
    {
        var sum = 0.0;
        for (var i = 0; i < y.Length; i++)
            sum += Math.Max(z[i], 0.0) - z[i] * y[i] + DeterministicMath.Log1p(DeterministicMath.Exp(-Math.Abs(z[i])));
        return sum / y.Length;
    }
}
