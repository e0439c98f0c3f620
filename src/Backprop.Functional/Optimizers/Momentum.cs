using LanguageExt;

namespace Backprop.Functional;

/// <summary>
/// Heavy-ball momentum, as PyTorch and Optax write it: v ← μ·v + g, then θ ← θ − lr·v, or with
/// Nesterov θ ← θ − lr·(g + μ·v).
/// </summary>
public sealed record Momentum(Schedule LearningRate, double Beta, bool Nesterov, double WeightDecay = 0) : Optimizer
{
    /// <summary>The slot holding v.</summary>
    public const string VelocitySlot = "velocity";

    /// <inheritdoc/>
    public override string Name => Nesterov ? "nesterov" : "momentum";

    /// <inheritdoc/>
    public override OptimizerState Init(Network parameters) =>
        new(0, Map.create((VelocitySlot, Gradients.Zero(parameters))));

    /// <inheritdoc/>
    public override (Gradients Updates, OptimizerState State) Update(Gradients gradients, OptimizerState state, Network parameters)
    {
        var rate = LearningRate.At(state.Count);
        var g = WithL2(gradients, parameters, WeightDecay);
        var velocity = state.Slot(VelocitySlot).Combine(g, (v, gi) => Beta * v + gi);
        var direction = Nesterov ? g.Combine(velocity, (gi, v) => gi + Beta * v) : velocity;
        var updates = direction.Map(d => -(rate * d));
        return (updates, new OptimizerState(state.Count + 1, state.Slots.SetItem(VelocitySlot, velocity)));
    }

    /// <inheritdoc/>
    public override IEnumerable<(string Name, double Value)> Hyperparameters() =>
        [("lr", LearningRate.InitialRate), ("momentum", Beta), ("weight_decay", WeightDecay)];
}
