using System.Runtime.CompilerServices;
using Backprop.Functional.Numerics;
using MathNet.Numerics.LinearAlgebra;

namespace Backprop.Functional;

/// <summary>
/// Softmax cross-entropy, fused: L = mean over rows of Σ_j y_j·(logsumexp(z) − z_j), computed
/// from the logits with the maximum subtracted so that huge logits neither overflow nor lose
/// the answer. Its gradient with respect to the logits is (softmax(z) − y)/rows.
/// </summary>
public sealed record CrossEntropy : Loss
{
    /// <summary>The one instance.</summary>
    public static CrossEntropy Instance { get; } = new();

    /// <inheritdoc/>
    public override string Name => "cross-entropy";

    /// <inheritdoc/>
    public override Activation? RequiredOutputActivation => Softmax.Instance;

    /// <inheritdoc/>
    public override double Value(LayerTrace output, Matrix<double> targets)
    {
        RequireSameShape(output.PreActivation, targets);
        return Value(Dense.Data(output.PreActivation), Dense.Data(targets), targets.RowCount);
    }

    /// <inheritdoc/>
    public override Matrix<double> OutputGradient(LayerTrace output, Activation outputActivation, Matrix<double> targets)
    {
        RequireSameShape(output.Activation, targets);
        return FusedGradient.OfMeanOver(targets.RowCount, output.Activation, targets);
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal override double Value(ReadOnlySpan<double> z, ReadOnlySpan<double> h, ReadOnlySpan<double> y, int rows) => Value(z, y, rows);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal override void OutputDelta(ReadOnlySpan<double> z, ReadOnlySpan<double> h, ReadOnlySpan<double> y, int rows, Activation outputActivation, Span<double> delta) =>
        FusedGradient.OfMeanOver(rows, h, y, delta);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double Value(ReadOnlySpan<double> z, ReadOnlySpan<double> y, int rows)
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
}
