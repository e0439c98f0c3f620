using System.Runtime.CompilerServices;

namespace Backprop.Functional.Fast;

/// <summary><see cref="MeanSquaredError"/>'s fast form: its sum and its (h − y)/N in one loop each, then the output activation's chain rule in place.</summary>
internal sealed class MeanSquaredErrorKernel : ILossKernel
{
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public double Value(ReadOnlySpan<double> z, ReadOnlySpan<double> h, ReadOnlySpan<double> y, int rows)
    {
        var sum = 0.0;
        for (var i = 0; i < y.Length; i++) sum += (h[i] - y[i]) * (h[i] - y[i]);
        return 0.5 * (sum / y.Length);
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void OutputDelta(ReadOnlySpan<double> z, ReadOnlySpan<double> h, ReadOnlySpan<double> y, int rows, IActivationKernel outputActivation, Span<double> delta)
    {
        Differences.Over(y.Length, h, y, delta);
        outputActivation.Backpropagate(z, h, delta, rows, y.Length / rows);
    }
}
