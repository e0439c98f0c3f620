using LanguageExt;
using LanguageExt.Common;

namespace Backprop.Functional;

/// <summary>
/// An optimizer in the Optax shape: a pure <see cref="Init"/> that makes its state from the
/// parameters, and a pure <see cref="Update"/> that turns gradients into updates and a new
/// state. <see cref="Updates.Apply"/> adds the updates to the parameters.
/// </summary>
public abstract record Optimizer
{
    /// <summary>The name used on the command line and in saved files.</summary>
    public abstract string Name { get; }

    /// <summary>The learning rate as a function of the step.</summary>
    public abstract Schedule LearningRate { get; init; }

    /// <summary>The optimizer's state before its first update.</summary>
    public abstract OptimizerState Init(Network parameters);

    /// <summary>The updates for <paramref name="gradients"/> (to be added to the parameters) and the next state.</summary>
    public abstract (Gradients Updates, OptimizerState State) Update(Gradients gradients, OptimizerState state, Network parameters);

    /// <summary>Its hyperparameters as name/value pairs, for saved files and summaries.</summary>
    public abstract IEnumerable<(string Name, double Value)> Hyperparameters();

    /// <inheritdoc/>
    public sealed override string ToString() => $"{Name}({string.Join(", ", Hyperparameters().Select(h => $"{h.Name}={h.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)}"))}, schedule={LearningRate.Name})";

    /// <summary>The names accepted by <see cref="Create"/>.</summary>
    public static string Names => "sgd|momentum|nesterov|adam|adamw";

    /// <summary>Builds an optimizer by name from the command line's hyperparameters.</summary>
    public static Fin<Optimizer> Create(string name, Schedule rate, double momentum, double beta1, double beta2, double epsilon, double weightDecay)
    {
        if (!(weightDecay >= 0) || double.IsInfinity(weightDecay)) return Error.New($"--weight-decay must be ≥ 0 (got {weightDecay})");
        if (!(momentum >= 0 && momentum < 1)) return Error.New($"--momentum must be in [0, 1) (got {momentum})");
        if (!(beta1 >= 0 && beta1 < 1)) return Error.New($"--beta1 must be in [0, 1) (got {beta1})");
        if (!(beta2 >= 0 && beta2 < 1)) return Error.New($"--beta2 must be in [0, 1) (got {beta2})");
        if (!(epsilon > 0) || double.IsInfinity(epsilon)) return Error.New($"--eps must be positive (got {epsilon})");
        return name?.Trim().ToLowerInvariant() switch
        {
            "sgd" => new Sgd(rate, weightDecay),
            "momentum" => new Momentum(rate, momentum, Nesterov: false, weightDecay),
            "nesterov" => new Momentum(rate, momentum, Nesterov: true, weightDecay),
            "adam" => new Adam(rate, beta1, beta2, epsilon, weightDecay, Decoupled: false),
            "adamw" => new Adam(rate, beta1, beta2, epsilon, weightDecay, Decoupled: true),
            _ => Error.New($"unknown optimizer '{name}' (expected {Names})"),
        };
    }

    /// <summary>
    /// The fused training step's form of <see cref="Update"/> followed by <see cref="Updates.Apply"/>
    /// for the update after <paramref name="count"/> earlier ones (<see cref="OptimizerState.Count"/>),
    /// or null for an optimizer without one (training then composes the public functions).
    /// </summary>
    internal virtual FusedOptimizerStep? Fused(long count) => null;

    /// <summary>g + λ·θ: L2 regularisation folded into the gradient (skipped when λ = 0, so it costs nothing and changes no bits).</summary>
    protected static Gradients WithL2(Gradients gradients, Network parameters, double weightDecay) =>
        weightDecay == 0 ? gradients : gradients.Combine(Updates.ParametersOf(parameters), (g, p) => g + weightDecay * p);
}
