using System.Runtime.CompilerServices;

namespace Backprop.Functional.Fast;

/// <summary><see cref="BinaryCrossEntropy"/>'s fast form: its <see cref="BinaryCrossEntropy.Term"/> summed in one loop, and (h − y)/N.</summary>
internal sealed class BinaryCrossEntropyKernel : ILossKernel
{
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public double Value(ReadOnlySpan<double> z, ReadOnlySpan<double> h, ReadOnlySpan<double> y, int rows)
    {
        var sum = 0.0;
        for (var i = 0; i < y.Length; i++) sum += BinaryCrossEntropy.Term(z[i], y[i]);
        return sum / y.Length;
    }

    /// <inheritdoc/>
    public void OutputDelta(ReadOnlySpan<double> z, ReadOnlySpan<double> h, ReadOnlySpan<double> y, int rows, IActivationKernel outputActivation, Span<double> delta) =>
        Differences.Over(y.Length, h, y, delta);
}
