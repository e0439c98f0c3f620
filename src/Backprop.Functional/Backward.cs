using Backprop.Functional.Numerics;
using LanguageExt;
using MathNet.Numerics.LinearAlgebra;

namespace Backprop.Functional;

/// <summary>What the backward pass computed at one layer.</summary>
/// <param name="Layer">The layer's index (0 = the input side).</param>
/// <param name="OutputGradient">dL/dh for the layer's output h; null at the output layer when the loss is fused with its activation.</param>
/// <param name="Delta">δ = dL/dz for the layer's pre-activation z.</param>
/// <param name="Gradients">dL/dW = δᵀ·X and dL/db = Σ_rows δ.</param>
public sealed record BackwardStep(int Layer, Matrix<double>? OutputGradient, Matrix<double> Delta, LayerGradients Gradients);

/// <summary>
/// The backward pass: (network, trace, targets, loss) → gradients, layer by layer from the
/// output back to the input, in the seed notebook's order.
/// </summary>
public static class Backward
{
    /// <summary>
    /// The gradient of <paramref name="loss"/> over the batch with respect to every weight and
    /// bias; the products run in <paramref name="compute"/> (without one, on the calling thread),
    /// with the same bits either way.
    /// </summary>
    public static Gradients Run(Network network, ForwardTrace trace, Matrix<double> targets, Loss loss, ComputeContext? compute = null)
    {
        var layers = new LayerGradients[network.Layers.Count];
        foreach (var step in Steps(network, trace, targets, loss, withOutputGradient: false, compute)) layers[step.Layer] = step.Gradients;
        return new Gradients(new Arr<LayerGradients>(layers));
    }

    /// <summary>
    /// The backward pass one layer at a time, output first. With δ = dL/dz of a layer:
    /// dL/dW = δᵀ·X, dL/db = Σ_rows δ, and the layer below receives dL/dh = δ·W, which its
    /// activation turns into its own δ.
    /// </summary>
    public static IEnumerable<BackwardStep> Steps(Network network, ForwardTrace trace, Matrix<double> targets, Loss loss) =>
        Steps(network, trace, targets, loss, withOutputGradient: true, null);

    /// <summary>
    /// <see cref="Steps(Network, ForwardTrace, Matrix{double}, Loss)"/>; the output layer's dL/dh
    /// is only shown, never used (δ comes from the loss directly), so <see cref="Run"/> skips it.
    /// </summary>
    private static IEnumerable<BackwardStep> Steps(Network network, ForwardTrace trace, Matrix<double> targets, Loss loss, bool withOutputGradient, ComputeContext? compute)
    {
        var output = network.Layers.Count - 1;
        var dh = withOutputGradient ? loss.ActivationGradient(trace.OutputLayer, targets) : null;
        var delta = loss.OutputGradient(trace.OutputLayer, network.Layers[output].Activation, targets);
        for (var i = output; i >= 0; i--)
        {
            var gradients = new LayerGradients(MatrixProduct.TransposeOfMultiply(delta, trace.InputOf(i), compute), ColumnSums(delta));
            yield return new BackwardStep(i, dh, delta, gradients);
            if (i == 0) yield break;
            var below = trace.Layers[i - 1];
            dh = MatrixProduct.Multiply(delta, network.Layers[i].Weight, compute);
            delta = network.Layers[i - 1].Activation.Backpropagate(below.PreActivation, below.Activation, dh);
        }
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
