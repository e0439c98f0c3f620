namespace Backprop.Functional;

/// <summary>Plain gradient descent: θ ← θ − lr·g (with optional L2 weight decay folded into g).</summary>
public sealed record Sgd(Schedule LearningRate, double WeightDecay = 0) : Optimizer
{
    /// <inheritdoc/>
    public override string Name => "sgd";

    /// <inheritdoc/>
    public override OptimizerState Init(Network parameters) => OptimizerState.Stateless;

    /// <inheritdoc/>
    public override (Gradients Updates, OptimizerState State) Update(Gradients gradients, OptimizerState state, Network parameters)
    {
        var rate = LearningRate.At(state.Count);
        var updates = WithL2(gradients, parameters, WeightDecay).DescentSteps(rate);
        return (updates, state with { Count = state.Count + 1 });
    }

    /// <inheritdoc/>
    public override IEnumerable<(string Name, double Value)> Hyperparameters() =>
        [("lr", LearningRate.InitialRate), ("weight_decay", WeightDecay)];
}
