using System.Runtime.CompilerServices;
using Backprop.Functional.Numerics;

namespace Backprop.Functional.Fast;

/// <summary>
/// <see cref="CrossEntropy"/>'s fast form: each row's log-sum-exp and terms read in place from
/// column-major storage, the same operations in the same order, and (h − y)/rows.
/// </summary>
internal sealed class CrossEntropyKernel : ILossKernel
{
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public double Value(ReadOnlySpan<double> z, ReadOnlySpan<double> h, ReadOnlySpan<double> y, int rows)
    {
        var columns = y.Length / rows;
        var total = 0.0;
        for (var r = 0; r < rows; r++)
        {
            var max = double.NegativeInfinity;
            for (var c = 0; c < columns; c++) max = Math.Max(max, z[c * rows + r]);
            var sum = 0.0;
            for (var c = 0; c < columns; c++) sum += DeterministicMath.Exp(z[c * rows + r] - max);
            var logSumExp = max + DeterministicMath.Log(sum);
            for (var c = 0; c < columns; c++)
            {
                var target = y[c * rows + r];
                if (target != 0) total += target * (logSumExp - z[c * rows + r]);
            }
        }
        return total / rows;
    }

    /// <inheritdoc/>
    public void OutputDelta(ReadOnlySpan<double> z, ReadOnlySpan<double> h, ReadOnlySpan<double> y, int rows, IActivationKernel outputActivation, Span<double> delta) =>
        Differences.Over(rows, h, y, delta);
}
