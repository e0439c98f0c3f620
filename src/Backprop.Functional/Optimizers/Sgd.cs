namespace Backprop.Functional;

/// <summary>Plain gradient descent, θ ← θ − lr·(g + λ·θ): chain(add_decayed_weights(λ), scale_by_learning_rate(lr)).</summary>
public sealed record Sgd(Schedule LearningRate, double WeightDecay = 0) : Optimizer
{
    /// <inheritdoc/>
    public override string Name => "sgd";

    /// <inheritdoc/>
    protected override IEnumerable<GradientTransformation> Algorithm() =>
        [new AddDecayedWeights(WeightDecay), new ScaleByLearningRate(LearningRate)];

    /// <inheritdoc/>
    public override IEnumerable<(string Name, double Value)> Hyperparameters() =>
        [("lr", LearningRate.InitialRate), ("weight_decay", WeightDecay)];
}
