using System.Runtime.CompilerServices;
using Backprop.Functional.Numerics;

namespace Backprop.Functional.Fast;

/// <summary>
/// <see cref="Identity"/>'s fast form: the elementwise forward pass (h = z + b), and a backward
/// pass that leaves dL/dh as it is, as <see cref="Identity.Backpropagate"/> returns it.
/// </summary>
internal sealed class IdentityKernel<TLanes> : IActivationKernel
    where TLanes : struct, ILanes<TLanes>
{
    private readonly ElementwiseKernel<Identity.Function, TLanes> forward = new(readsPreActivation: false);

    /// <inheritdoc/>
    public bool ReadsPreActivation => false;

    /// <inheritdoc/>
    public bool ColumnsIndependent => true;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void AddBiasAndApply(Span<double> z, ReadOnlySpan<double> bias, Span<double> h, int rows, bool keepPreActivation) =>
        forward.AddBiasAndApply(z, bias, h, rows, keepPreActivation);

    /// <inheritdoc/>
    public void Backpropagate(ReadOnlySpan<double> z, ReadOnlySpan<double> h, Span<double> dh, int rows, int columns)
    {
        // dL/dz is dL/dh itself.
    }
}
