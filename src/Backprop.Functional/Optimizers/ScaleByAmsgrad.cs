namespace Backprop.Functional;

/// <summary>
/// AMSGrad (Reddi, Kale and Kumar 2018) as PyTorch's <c>Adam(amsgrad=True)</c> defines it: Adam's
/// moments, and the running maximum v_max of the raw second moments v in place of v, bias-corrected
/// afterwards: the update m̂/(√(v_max/(1−β₂ᵗ)) + ε). (Optax's <c>scale_by_amsgrad</c> instead keeps the
/// maximum of the bias-corrected moments.)
/// </summary>
public sealed record ScaleByAmsgrad(double Beta1, double Beta2, double Epsilon) : GradientTransformation<ScaleByAmsgradState>
{
    /// <summary>The Adam whose moments and step it shares.</summary>
    public ScaleByAdam Adam => new(Beta1, Beta2, Epsilon);

    /// <inheritdoc/>
    public override IReadOnlyList<string> SlotNames =>
        [ScaleByAdamState.FirstMomentSlot, ScaleByAdamState.SecondMomentSlot, ScaleByAmsgradState.MaxSecondMomentSlot];

    /// <inheritdoc/>
    public override ScaleByAmsgradState Init(Network parameters) =>
        new(Gradients.Zero(parameters), Gradients.Zero(parameters), Gradients.Zero(parameters));

    /// <inheritdoc/>
    public override ScaleByAmsgradState StateOf(IReadOnlyList<Gradients> slots) => new(slots[0], slots[1], slots[2]);

    /// <inheritdoc/>
    public override (Gradients Updates, ScaleByAmsgradState State) Update(Gradients updates, ScaleByAmsgradState state, Network parameters, long count)
    {
        var (m, v) = Adam.Moments(state.M, state.V, updates);
        var vMax = state.VMax.Combine(v, Math.Max);
        return (Adam.Step(m, vMax, count), new(m, v, vMax));
    }
}

/// <summary>The state of <see cref="ScaleByAmsgrad"/>: Adam's m and v, and the largest v so far.</summary>
public sealed record ScaleByAmsgradState(Gradients M, Gradients V, Gradients VMax) : TransformationState
{
    /// <summary>The name of v_max in a saved state.</summary>
    public const string MaxSecondMomentSlot = "v_max";

    /// <inheritdoc/>
    public override IReadOnlyList<Gradients> Slots => [M, V, VMax];
}
