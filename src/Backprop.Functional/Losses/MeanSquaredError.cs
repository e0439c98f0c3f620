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
        return Value(Dense.Data(output.Activation), Dense.Data(targets));
    }

    /// <inheritdoc/>
    public override Matrix<double> OutputGradient(LayerTrace output, Activation outputActivation, Matrix<double> targets) =>
        outputActivation.Backpropagate(output.PreActivation, output.Activation, ActivationGradient(output, targets));

    /// <summary>dL/dh = (h − y)/N.</summary>
    public override Matrix<double> ActivationGradient(LayerTrace output, Matrix<double> targets)
    {
        RequireSameShape(output.Activation, targets);
        return FusedGradient.OfMeanOver(targets.RowCount * targets.ColumnCount, output.Activation, targets);
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal override double Value(ReadOnlySpan<double> z, ReadOnlySpan<double> h, ReadOnlySpan<double> y, int rows) => Value(h, y);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal override void OutputDelta(ReadOnlySpan<double> z, ReadOnlySpan<double> h, ReadOnlySpan<double> y, int rows, Activation outputActivation, Span<double> delta)
    {
        FusedGradient.OfMeanOver(y.Length, h, y, delta);
        outputActivation.BackpropagateInPlace(z, h, delta, rows, y.Length / rows);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double Value(ReadOnlySpan<double> h, ReadOnlySpan<double> y)
    {
        var sum = 0.0;
        for (var i = 0; i < y.Length; i++)
        {
            var d = h[i] - y[i];
            sum += d * d;
        }
        return 0.5 * (sum / y.Length);
    }
}
