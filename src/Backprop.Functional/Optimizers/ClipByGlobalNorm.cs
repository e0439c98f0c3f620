namespace Backprop.Functional;

/// <summary>
/// PyTorch's <c>clip_grad_norm_</c>: with the global norm ‖u‖ of every element of every tensor
/// (<see cref="Gradients.GlobalNorm"/>), the factor c = max/(‖u‖ + 10⁻⁶) scales every update when it
/// is below 1; otherwise the updates pass unchanged, bit for bit. (Optax's <c>clip_by_global_norm</c>
/// scales by max/‖u‖ instead.) An infinite norm gives c = 0; a NaN norm scales nothing.
/// </summary>
public sealed record ClipByGlobalNorm(double MaxNorm) : StatelessTransformation
{
    /// <summary>PyTorch's guard against dividing by a zero norm.</summary>
    public const double NormGuard = 1e-6;

    /// <inheritdoc/>
    public override Gradients Update(Gradients updates, Network parameters, long count)
    {
        var factor = Factor(updates.GlobalNorm());
        return factor < 1 ? updates.Scale(factor) : updates;
    }

    /// <summary>max/(norm + 10⁻⁶): the updates are scaled by it when it is below 1.</summary>
    public double Factor(double globalNorm) => MaxNorm / (globalNorm + NormGuard);
}
