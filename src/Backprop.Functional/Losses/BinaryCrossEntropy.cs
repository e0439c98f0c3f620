using Backprop.Functional.Numerics;
using MathNet.Numerics.LinearAlgebra;

namespace Backprop.Functional;

/// <summary>
/// Sigmoid binary cross-entropy, from the logits: L = mean over every element of
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

    /// <summary>Σ (max(z, 0) − z·y + log1p(e^−|z|)) / N, the terms added in storage order.</summary>
    public override double Value(LayerTrace output, Matrix<double> targets)
    {
        RequireSameShape(output.PreActivation, targets);
        var terms = Dense.Data(output.PreActivation).Zip(Dense.Data(targets), Term);
        return terms.Aggregate(0.0, (sum, term) => sum + term) / (targets.RowCount * targets.ColumnCount);
    }

    /// <summary>dL/dz = (σ(z) − y)/N, with σ(z) the output h.</summary>
    public override Matrix<double> OutputGradient(LayerTrace output, Activation outputActivation, Matrix<double> targets)
    {
        RequireSameShape(output.Activation, targets);
        return DifferenceOver(targets.RowCount * targets.ColumnCount, output.Activation, targets);
    }

    /// <summary>One element's −[y·log σ(z) + (1 − y)·log(1 − σ(z))], from its logit z.</summary>
    public static double Term(double z, double y) =>
        Math.Max(z, 0.0) - z * y + DeterministicMath.Log1p(DeterministicMath.Exp(-Math.Abs(z)));
}
