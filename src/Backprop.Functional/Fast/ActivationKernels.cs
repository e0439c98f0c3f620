namespace Backprop.Functional.Fast;

/// <summary>
/// An activation's fast form for the fused step, on raw column-major storage: the bias added and
/// f applied in one pass, and the chain rule through f in place. Each gives exactly the bits of
/// the activation's own <see cref="Activation.Apply"/> and <see cref="Activation.Backpropagate"/>.
/// </summary>
internal interface IActivationKernel
{
    /// <summary>
    /// Whether <see cref="Backpropagate"/> reads z (relu's slope does; sigmoid's and tanh's are
    /// written in h alone): if not, the fused step need not keep a hidden layer's z + b.
    /// </summary>
    bool ReadsPreActivation { get; }

    /// <summary>
    /// Whether each column (unit) of h and of dL/dz depends on that column alone (elementwise
    /// functions do, softmax does not), so that a parallel step may give columns to different threads.
    /// </summary>
    bool ColumnsIndependent { get; }

    /// <summary>
    /// z += b on a rows × bias.Length matrix, then h = f(z): the bits of
    /// <see cref="Forward.PreActivation"/> followed by <see cref="Activation.Apply"/>.
    /// <paramref name="h"/> may be <paramref name="z"/>. Without <paramref name="keepPreActivation"/>
    /// z may be left as it was (the caller will not read it again).
    /// </summary>
    void AddBiasAndApply(Span<double> z, ReadOnlySpan<double> bias, Span<double> h, int rows, bool keepPreActivation);

    /// <summary>Turns dL/dh into dL/dz in place: the bits of <see cref="Activation.Backpropagate"/>.</summary>
    void Backpropagate(ReadOnlySpan<double> z, ReadOnlySpan<double> h, Span<double> dh, int rows, int columns);
}

/// <summary>
/// The activations that have a fast form, each with its kernel on four lanes and on eight. An
/// activation that is not here (a user's own subclass, say) has none, and a network that uses it
/// trains through the reference path.
/// </summary>
internal static class ActivationKernels
{
    /// <summary>Every registered activation with its kernels.</summary>
    public static IReadOnlyList<(Activation Activation, IActivationKernel FourLanes, IActivationKernel EightLanes)> All { get; } =
    [
        Elementwise(Sigmoid.Instance, readsPreActivation: false),
        Elementwise(Tanh.Instance, readsPreActivation: false),
        Elementwise(Relu.Instance, readsPreActivation: true),
        Elementwise(LeakyRelu.Instance, readsPreActivation: true),
        Elementwise(Softplus.Instance, readsPreActivation: true),
        (Identity.Instance, new IdentityKernel<Lanes4>(), new IdentityKernel<Lanes8>()),
        (Softmax.Instance, new SoftmaxKernel(), new SoftmaxKernel()),
    ];

    /// <summary>Whether the kernels run eight lanes here (else four).</summary>
    public static bool EightLanes => Lanes8.IsHardwareAccelerated;

    /// <summary>The kernel of <paramref name="activation"/> for this machine, or null when it has no fast form.</summary>
    public static IActivationKernel? For(Activation activation) => For(activation, EightLanes);

    /// <summary>The kernel of <paramref name="activation"/> on eight lanes or four, or null when it has no fast form.</summary>
    public static IActivationKernel? For(Activation activation, bool eightLanes)
    {
        foreach (var (registered, four, eight) in All)
            if (registered.Equals(activation)) return eightLanes ? eight : four;
        return null;
    }

    private static (Activation, IActivationKernel, IActivationKernel) Elementwise<TFunction>(ElementwiseActivation<TFunction> activation, bool readsPreActivation)
        where TFunction : struct, IElementwiseFunction =>
        (activation, new ElementwiseKernel<TFunction, Lanes4>(readsPreActivation), new ElementwiseKernel<TFunction, Lanes8>(readsPreActivation));
}
