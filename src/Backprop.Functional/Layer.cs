using LanguageExt;
using LanguageExt.Common;
using MathNet.Numerics.LinearAlgebra;

namespace Backprop.Functional;

/// <summary>
/// One fully connected layer h = f(W·x + b): <see cref="Weight"/> is [out, in], <see cref="Bias"/> is [out].
/// Immutable: nothing ever writes to its matrices after construction.
/// </summary>
public sealed record Layer(Matrix<double> Weight, Vector<double> Bias, Activation Activation)
{
    /// <summary>How many inputs the layer reads.</summary>
    public int InputWidth => Weight.ColumnCount;

    /// <summary>How many outputs the layer writes.</summary>
    public int OutputWidth => Weight.RowCount;

    /// <summary>Checks that the bias matches the weight's output width.</summary>
    public static Fin<Layer> Create(Matrix<double> weight, Vector<double> bias, Activation activation) =>
        weight.RowCount != bias.Count
            ? Error.New($"bias has {bias.Count} entries but the weight has {weight.RowCount} rows")
            : new Layer(weight, bias, activation);
}
