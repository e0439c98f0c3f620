using LanguageExt;
using MathNet.Numerics.LinearAlgebra;

namespace Backprop.Functional;

/// <summary>One layer's part of a forward pass: z = X·Wᵀ + b and h = f(z), rows = samples.</summary>
public sealed record LayerTrace(Matrix<double> PreActivation, Matrix<double> Activation);

/// <summary>
/// Everything the backward pass needs: the batch's inputs and each layer's pre- and
/// post-activation, input side first. The network's output is the last layer's activation.
/// </summary>
public sealed record ForwardTrace(Matrix<double> Input, Arr<LayerTrace> Layers)
{
    /// <summary>The last layer's trace.</summary>
    public LayerTrace OutputLayer => Layers[^1];

    /// <summary>The network's predictions [samples, outputs].</summary>
    public Matrix<double> Output => OutputLayer.Activation;

    /// <summary>What layer <paramref name="index"/> read: the inputs for layer 0, else the previous activation.</summary>
    public Matrix<double> InputOf(int index) => index == 0 ? Input : Layers[index - 1].Activation;
}
