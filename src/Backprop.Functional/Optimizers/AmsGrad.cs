namespace Backprop.Functional;

/// <summary>
/// PyTorch's <c>Adam(amsgrad=True)</c> with L2 weight decay:
/// chain(add_decayed_weights(λ), scale_by_amsgrad, scale_by_learning_rate(lr)).
/// </summary>
public sealed record AmsGrad(Schedule LearningRate, double Beta1, double Beta2, double Epsilon, double WeightDecay = 0) : Optimizer
{
    /// <inheritdoc/>
    public override string Name => "amsgrad";

    /// <inheritdoc/>
    protected override IEnumerable<GradientTransformation> Algorithm() =>
        [new AddDecayedWeights(WeightDecay), new ScaleByAmsgrad(Beta1, Beta2, Epsilon), new ScaleByLearningRate(LearningRate)];

    /// <inheritdoc/>
    public override IEnumerable<(string Name, double Value)> Hyperparameters() =>
        [("lr", LearningRate.InitialRate), ("beta1", Beta1), ("beta2", Beta2), ("eps", Epsilon), ("weight_decay", WeightDecay)];
}
