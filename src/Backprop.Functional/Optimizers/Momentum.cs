namespace Backprop.Functional;

/// <summary>
/// Heavy-ball momentum, or Nesterov's, as PyTorch and Optax write them:
/// chain(add_decayed_weights(λ), trace(μ, nesterov), scale_by_learning_rate(lr)).
/// </summary>
public sealed record Momentum(Schedule LearningRate, double Beta, bool Nesterov, double WeightDecay = 0) : Optimizer
{
    /// <summary>The slot holding v.</summary>
    public const string VelocitySlot = TraceState.VelocitySlot;

    /// <inheritdoc/>
    public override string Name => Nesterov ? "nesterov" : "momentum";

    /// <inheritdoc/>
    protected override IEnumerable<GradientTransformation> Algorithm() =>
        [new AddDecayedWeights(WeightDecay), new Trace(Beta, Nesterov), new ScaleByLearningRate(LearningRate)];

    /// <inheritdoc/>
    public override IEnumerable<(string Name, double Value)> Hyperparameters() =>
        [("lr", LearningRate.InitialRate), ("momentum", Beta), ("weight_decay", WeightDecay)];
}
