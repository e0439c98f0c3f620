using System.Runtime.CompilerServices;
using Backprop.Functional.Numerics;

namespace Backprop.Functional.Fast;

/// <summary>
/// <see cref="Softmax"/>'s fast form: <see cref="Softmax.Of"/> and <see cref="Softmax.Chain"/>
/// on each row of column-major storage in place, the same operations in the same order.
/// </summary>
internal sealed class SoftmaxKernel : IActivationKernel
{
    /// <inheritdoc/>
    public bool ReadsPreActivation => false;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void AddBiasAndApply(Span<double> z, ReadOnlySpan<double> bias, Span<double> h, int rows, bool keepPreActivation)
    {
        Elementwise.AddBias(z, bias, rows);
        var columns = bias.Length;
        for (var r = 0; r < rows; r++)
        {
            var max = double.NegativeInfinity;
            for (var c = 0; c < columns; c++) max = Math.Max(max, z[c * rows + r]);
            var sum = 0.0;
            for (var c = 0; c < columns; c++)
            {
                var e = DeterministicMath.Exp(z[c * rows + r] - max);
                h[c * rows + r] = e;
                sum += e;
            }
            for (var c = 0; c < columns; c++) h[c * rows + r] /= sum;
        }
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Backpropagate(ReadOnlySpan<double> z, ReadOnlySpan<double> h, Span<double> dh, int rows, int columns)
    {
        for (var r = 0; r < rows; r++)
        {
            var dot = 0.0;
            for (var c = 0; c < columns; c++) dot += dh[c * rows + r] * h[c * rows + r];
            for (var c = 0; c < columns; c++) dh[c * rows + r] = h[c * rows + r] * (dh[c * rows + r] - dot);
        }
    }
}
