namespace Backprop.Functional.Fast;

/// <summary>
/// What the fused step runs for one network and loss: each layer's activation kernel (input
/// side first) and the loss's kernel.
/// </summary>
internal sealed record StepKernels(IActivationKernel[] Activations, ILossKernel Loss)
{
    /// <summary>The kernels, or null when the loss or an activation has no fast form.</summary>
    public static StepKernels? For(Network network, Loss loss)
    {
        if (LossKernels.For(loss) is not { } lossKernel) return null;
        var activations = new IActivationKernel[network.Layers.Count];
        for (var i = 0; i < activations.Length; i++)
        {
            if (ActivationKernels.For(network.Layers[i].Activation) is not { } kernel) return null;
            activations[i] = kernel;
        }
        return new StepKernels(activations, lossKernel);
    }
}
