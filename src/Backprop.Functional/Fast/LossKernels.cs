namespace Backprop.Functional.Fast;

/// <summary>
/// A loss's fast form for the fused step, on raw column-major storage (z, h and y all rows ×
/// y.Length/rows; z and h may be longer): exactly the bits of the loss's own methods.
/// </summary>
internal interface ILossKernel
{
    /// <summary>The bits of <see cref="Loss.Value"/>.</summary>
    double Value(ReadOnlySpan<double> z, ReadOnlySpan<double> h, ReadOnlySpan<double> y, int rows);

    /// <summary>
    /// Writes dL/dz of the output layer into <paramref name="delta"/>: the bits of
    /// <see cref="Loss.OutputGradient"/> with the activation whose kernel is <paramref name="outputActivation"/>.
    /// </summary>
    void OutputDelta(ReadOnlySpan<double> z, ReadOnlySpan<double> h, ReadOnlySpan<double> y, int rows, IActivationKernel outputActivation, Span<double> delta);
}

/// <summary>
/// The losses that have a fast form, each with its kernel. A loss that is not here (a user's own
/// subclass, say) has none, and training with it goes through the reference path.
/// </summary>
internal static class LossKernels
{
    /// <summary>Every registered loss with its kernel.</summary>
    public static IReadOnlyList<(Loss Loss, ILossKernel Kernel)> All { get; } =
    [
        (MeanSquaredError.Instance, new MeanSquaredErrorKernel()),
        (CrossEntropy.Instance, new CrossEntropyKernel()),
        (BinaryCrossEntropy.Instance, new BinaryCrossEntropyKernel()),
    ];

    /// <summary>The kernel of <paramref name="loss"/>, or null when it has no fast form.</summary>
    public static ILossKernel? For(Loss loss)
    {
        foreach (var (registered, kernel) in All)
            if (registered.Equals(loss)) return kernel;
        return null;
    }
}
