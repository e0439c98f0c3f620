namespace Backprop.Functional;

/// <summary>
/// Optax's <c>add_decayed_weights</c>: u + λ·θ. Before the moments it is L2 regularisation
/// folded into the gradient; after them it is decoupled weight decay (AdamW). With λ = 0 the
/// updates pass unchanged, so it costs nothing and changes no bits.
/// </summary>
public sealed record AddDecayedWeights(double WeightDecay) : StatelessTransformation
{
    /// <inheritdoc/>
    public override Gradients Update(Gradients updates, Network parameters, long count) =>
        WeightDecay == 0 ? updates : updates.Combine(Updates.ParametersOf(parameters), (u, p) => u + WeightDecay * p);
}
