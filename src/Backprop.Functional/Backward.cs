using Backprop.Functional.Numerics;
using LanguageExt;
using MathNet.Numerics.LinearAlgebra;

namespace Backprop.Functional;

/// <summary>
/// The backward pass: (network, trace, targets, loss) → gradients, layer by layer from the
/// output back to the input, in the seed notebook's order.
/// </summary>
public static class Backward
{
    /// <summary>
    /// The gradient of <paramref name="loss"/> over the batch with respect to every weight and bias.
    /// With δ = dL/dz of a layer: dL/dW = δᵀ·X, dL/db = Σ_rows δ, and the layer below receives
    /// dL/dh = δ·W, which its activation turns into its own δ.
    /// </summary>
    public static Gradients Run(Network network, ForwardTrace trace, Matrix<double> targets, Loss loss)
    {
        var layers = new LayerGradients[network.Layers.Count];
        var delta = loss.OutputGradient(trace.OutputLayer, network.Layers[^1].Activation, targets);
        for (var i = layers.Length - 1; i >= 0; i--)
        {
            layers[i] = new LayerGradients(
                MatrixProduct.TransposeOfMultiply(delta, trace.InputOf(i)),
                ColumnSums(delta));
            if (i == 0) break;
            var below = trace.Layers[i - 1];
            var dh = MatrixProduct.Multiply(delta, network.Layers[i].Weight);
            delta = network.Layers[i - 1].Activation.Backpropagate(below.PreActivation, below.Activation, dh);
        }
        return new Gradients(new Arr<LayerGradients>(layers));
    }

    /// <summary>Σ over rows of each column, added in row order.</summary>
    private static Vector<double> ColumnSums(Matrix<double> delta)
    {
        var rows = delta.RowCount;
        var data = Dense.Data(delta);
        var sums = new double[delta.ColumnCount];
        for (var j = 0; j < sums.Length; j++)
        {
            var sum = 0.0;
            foreach (var value in data.AsSpan(j * rows, rows)) sum += value;
            sums[j] = sum;
        }
        return Dense.Vector(sums);
    }
}
