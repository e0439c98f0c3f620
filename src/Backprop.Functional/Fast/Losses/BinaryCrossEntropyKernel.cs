using System.Runtime.CompilerServices;
using Backprop.Functional.Numerics;

namespace Backprop.Functional.Fast;

/// <summary><see cref="BinaryCrossEntropy"/>'s fast form: its value from the logits and (h − y)/N, on the step's buffers.</summary>
internal sealed class BinaryCrossEntropyKernel : ILossKernel
{
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public double Value(ReadOnlySpan<double> z, ReadOnlySpan<double> h, ReadOnlySpan<double> y, int rows) =>
        BinaryCrossEntropy.Value(new ColumnMajor(z[..y.Length], rows), new ColumnMajor(y, rows));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void OutputDelta(ReadOnlySpan<double> z, ReadOnlySpan<double> h, ReadOnlySpan<double> y, int rows, IActivationKernel outputActivation, Span<double> delta) =>
        Loss.DifferenceOver(y.Length, new ColumnMajor(h[..y.Length], rows), new ColumnMajor(y, rows), new WritableColumnMajor(delta, rows));
}
