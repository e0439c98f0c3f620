namespace Backprop.Functional;

/// <summary>
/// Adam with L2 weight decay, chain(add_decayed_weights(λ), scale_by_adam, scale_by_learning_rate(lr));
/// with <see cref="Decoupled"/> it is AdamW (Loshchilov and Hutter), whose decay comes after the
/// moments: chain(scale_by_adam, add_decayed_weights(λ), scale_by_learning_rate(lr)).
/// </summary>
public sealed record Adam(Schedule LearningRate, double Beta1, double Beta2, double Epsilon, double WeightDecay, bool Decoupled) : Optimizer
{
    /// <summary>The slot holding the first moment m.</summary>
    public const string FirstMomentSlot = ScaleByAdamState.FirstMomentSlot;

    /// <summary>The slot holding the second moment v.</summary>
    public const string SecondMomentSlot = ScaleByAdamState.SecondMomentSlot;

    /// <inheritdoc/>
    public override string Name => Decoupled ? "adamw" : "adam";

    /// <inheritdoc/>
    protected override IEnumerable<GradientTransformation> Algorithm()
    {
        var (adam, decay) = (new ScaleByAdam(Beta1, Beta2, Epsilon), new AddDecayedWeights(WeightDecay));
        return Decoupled
            ? [adam, decay, new ScaleByLearningRate(LearningRate)]
            : [decay, adam, new ScaleByLearningRate(LearningRate)];
    }

    /// <inheritdoc/>
    public override IEnumerable<(string Name, double Value)> Hyperparameters() =>
        [("lr", LearningRate.InitialRate), ("beta1", Beta1), ("beta2", Beta2), ("eps", Epsilon), ("weight_decay", WeightDecay)];
}
