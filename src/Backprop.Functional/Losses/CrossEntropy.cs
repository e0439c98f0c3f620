using Backprop.Functional.Numerics;
using MathNet.Numerics.LinearAlgebra;

namespace Backprop.Functional;

/// <summary>
/// Softmax cross-entropy, from the logits: L = mean over rows of Σ_j y_j·(logsumexp(z) − z_j),
/// computed with the maximum subtracted so that huge logits neither overflow nor lose the
/// answer. Its gradient with respect to the logits is (softmax(z) − y)/rows.
/// </summary>
public sealed record CrossEntropy : Loss
{
    /// <summary>The one instance.</summary>
    public static CrossEntropy Instance { get; } = new();

    /// <inheritdoc/>
    public override string Name => "cross-entropy";

    /// <inheritdoc/>
    public override Activation? RequiredOutputActivation => Softmax.Instance;

    /// <summary>Σ over rows, then columns, of y_j·(logsumexp(z) − z_j) where y_j ≠ 0, divided by the rows.</summary>
    public override double Value(LayerTrace output, Matrix<double> targets)
    {
        RequireSameShape(output.PreActivation, targets);
        var terms = Enumerable.Range(0, targets.RowCount).SelectMany(r => Terms(Dense.Row(output.PreActivation, r), Dense.Row(targets, r)));
        return terms.Aggregate(0.0, (sum, term) => sum + term) / targets.RowCount;
    }

    /// <summary>dL/dz = (softmax(z) − y)/rows, with softmax(z) the output h.</summary>
    public override Matrix<double> OutputGradient(LayerTrace output, Activation outputActivation, Matrix<double> targets)
    {
        RequireSameShape(output.Activation, targets);
        return DifferenceOver(targets.RowCount, output.Activation, targets);
    }

    /// <summary>log Σ_j e^(z_j), as max z + log Σ_j e^(z_j − max z).</summary>
    public static double LogSumExp(double[] z)
    {
        var max = z.Aggregate(double.NegativeInfinity, Math.Max);
        return max + DeterministicMath.Log(z.Aggregate(0.0, (sum, zj) => sum + DeterministicMath.Exp(zj - max)));
    }

    /// <summary>One row's y_j·(logsumexp(z) − z_j), for the j whose target is not 0.</summary>
    private static IEnumerable<double> Terms(double[] z, double[] y)
    {
        var logSumExp = LogSumExp(z);
        return y.Zip(z, (yj, zj) => (yj, zj)).Where(p => p.yj != 0).Select(p => p.yj * (logSumExp - p.zj));
    }
}
