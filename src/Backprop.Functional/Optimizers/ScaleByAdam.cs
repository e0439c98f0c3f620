using Backprop.Functional.Numerics;

namespace Backprop.Functional;

/// <summary>
/// Optax's <c>scale_by_adam</c> (Kingma and Ba 2015): m ← β₁m + (1−β₁)u, v ← β₂v + (1−β₂)u²,
/// and the update m̂/(√v̂ + ε) with the bias corrections m̂ = m/(1−β₁ᵗ), v̂ = v/(1−β₂ᵗ) of step t.
/// </summary>
public sealed record ScaleByAdam(double Beta1, double Beta2, double Epsilon) : GradientTransformation<ScaleByAdamState>
{
    /// <inheritdoc/>
    public override IReadOnlyList<string> SlotNames => [ScaleByAdamState.FirstMomentSlot, ScaleByAdamState.SecondMomentSlot];

    /// <inheritdoc/>
    public override ScaleByAdamState Init(Network parameters) => new(Gradients.Zero(parameters), Gradients.Zero(parameters));

    /// <inheritdoc/>
    public override ScaleByAdamState StateOf(IReadOnlyList<Gradients> slots) => new(slots[0], slots[1]);

    /// <inheritdoc/>
    public override (Gradients Updates, ScaleByAdamState State) Update(Gradients updates, ScaleByAdamState state, Network parameters, long count)
    {
        var (m, v) = Moments(state.M, state.V, updates);
        return (Step(m, v, count), new(m, v));
    }

    /// <summary>The moments after <paramref name="updates"/>.</summary>
    public (Gradients M, Gradients V) Moments(Gradients m, Gradients v, Gradients updates) =>
        (m.Combine(updates, (mi, u) => Beta1 * mi + (1 - Beta1) * u),
         v.Combine(updates, (vi, u) => Beta2 * vi + (1 - Beta2) * (u * u)));

    /// <summary>m̂/(√v̂ + ε) of the update after <paramref name="count"/> earlier ones.</summary>
    public Gradients Step(Gradients m, Gradients v, long count)
    {
        var (correction1, correction2) = BiasCorrections(count);
        return m.Combine(v, (mi, vi) => mi / correction1 / (Math.Sqrt(vi / correction2) + Epsilon));
    }

    /// <summary>1 − β₁ᵗ and 1 − β₂ᵗ for step t = <paramref name="count"/> + 1.</summary>
    public (double First, double Second) BiasCorrections(long count) =>
        (1 - DeterministicMath.PowInt(Beta1, count + 1), 1 - DeterministicMath.PowInt(Beta2, count + 1));
}

/// <summary>The state of <see cref="ScaleByAdam"/>: the first moment m and the second moment v.</summary>
public sealed record ScaleByAdamState(Gradients M, Gradients V) : TransformationState
{
    /// <summary>The name of m in a saved state.</summary>
    public const string FirstMomentSlot = "m";

    /// <summary>The name of v in a saved state.</summary>
    public const string SecondMomentSlot = "v";

    /// <inheritdoc/>
    public override IReadOnlyList<Gradients> Slots => [M, V];
}
