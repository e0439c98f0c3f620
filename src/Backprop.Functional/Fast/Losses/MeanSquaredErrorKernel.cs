using System.Runtime.CompilerServices;
using Backprop.Functional.Numerics;

namespace Backprop.Functional.Fast;

/// <summary><see cref="MeanSquaredError"/>'s fast form: its value and (h − y)/N on the step's buffers, then the output activation's chain rule in place.</summary>
internal sealed class MeanSquaredErrorKernel : ILossKernel
{
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public double Value(ReadOnlySpan<double> z, ReadOnlySpan<double> h, ReadOnlySpan<double> y, int rows) =>
        MeanSquaredError.Value(new ColumnMajor(h[..y.Length], rows), new ColumnMajor(y, rows));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void OutputDelta(ReadOnlySpan<double> z, ReadOnlySpan<double> h, ReadOnlySpan<double> y, int rows, IActivationKernel outputActivation, Span<double> delta)
    {
        Loss.DifferenceOver(y.Length, new ColumnMajor(h[..y.Length], rows), new ColumnMajor(y, rows), new WritableColumnMajor(delta, rows));
        outputActivation.Backpropagate(z, h, delta, rows, y.Length / rows);
    }
}
