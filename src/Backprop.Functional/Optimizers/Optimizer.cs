using System.Globalization;
using LanguageExt;
using LanguageExt.ClassInstances;

namespace Backprop.Functional;

/// <summary>
/// An optimizer as the user names it: its name and hyperparameters (for saved configurations and
/// summaries) and the <see cref="Chain"/> of gradient transformations they stand for. In the Optax
/// shape, <see cref="Init"/> makes the state from the parameters, <see cref="Update"/> turns
/// gradients into updates and a new state, and <see cref="Updates.Apply"/> adds the updates to
/// the parameters. With <see cref="ClipNorm"/> the gradients are first clipped to that global norm.
/// </summary>
public abstract record Optimizer
{
    /// <summary>The name used on the command line and in saved files.</summary>
    public abstract string Name { get; }

    /// <summary>The learning rate as a function of the step.</summary>
    public abstract Schedule LearningRate { get; init; }

    /// <summary>The largest global norm of the gradients (PyTorch's <c>clip_grad_norm_</c>, applied first), or null for none.</summary>
    public double? ClipNorm { get; init; }

    /// <summary>Its hyperparameters as name/value pairs, for saved files and summaries.</summary>
    public abstract IEnumerable<(string Name, double Value)> Hyperparameters();

    /// <summary>The algorithm as transformations, first applied first, without clipping.</summary>
    protected abstract IEnumerable<GradientTransformation> Algorithm();

    /// <summary>The whole optimizer as one chain: clipping (with <see cref="ClipNorm"/>), then <see cref="Algorithm"/>.</summary>
    public Chain Transformation => new([.. Clipping(), .. Algorithm()]);

    /// <summary>The optimizer's state before its first update: its chain's state, slot by slot.</summary>
    public OptimizerState Init(Network parameters)
    {
        var chain = Transformation;
        return new(0, Named(OptimizerState.Stateless.Slots, chain.SlotNames, chain.Init(parameters).Slots));
    }

    /// <summary>The updates for <paramref name="gradients"/> (to be added to the parameters) and the next state.</summary>
    public (Gradients Updates, OptimizerState State) Update(Gradients gradients, OptimizerState state, Network parameters)
    {
        var chain = Transformation;
        var (updates, next) = chain.Update(gradients, chain.StateOf([.. chain.SlotNames.Select(state.Slot)]), parameters, state.Count);
        return (updates, new OptimizerState(state.Count + 1, Named(state.Slots, chain.SlotNames, next.Slots)));
    }

    /// <inheritdoc/>
    public sealed override string ToString()
    {
        IEnumerable<(string Name, double Value)> all = ClipNorm is { } max ? [.. Hyperparameters(), ("clip_norm", max)] : Hyperparameters();
        return $"{Name}({string.Join(", ", all.Select(h => $"{h.Name}={h.Value.ToString(CultureInfo.InvariantCulture)}"))}, schedule={LearningRate.Name})";
    }

    /// <summary>The names accepted by <see cref="Create"/>.</summary>
    public static string Names => "sgd|momentum|nesterov|adam|adamw|amsgrad";

    /// <summary>Builds an optimizer by name from the command line's hyperparameters.</summary>
    public static Fin<Optimizer> Create(
        string name, Schedule rate, double momentum, double beta1, double beta2, double epsilon, double weightDecay, double? clipNorm = null)
    {
        if (!(weightDecay >= 0) || double.IsInfinity(weightDecay)) return new OutOfRange(Settings.WeightDecay, weightDecay, "≥ 0 and finite");
        if (!(momentum >= 0 && momentum < 1)) return new OutOfRange(Settings.Momentum, momentum, "in [0, 1)");
        if (!(beta1 >= 0 && beta1 < 1)) return new OutOfRange(Settings.Beta1, beta1, "in [0, 1)");
        if (!(beta2 >= 0 && beta2 < 1)) return new OutOfRange(Settings.Beta2, beta2, "in [0, 1)");
        if (!(epsilon > 0) || double.IsInfinity(epsilon)) return new OutOfRange(Settings.Epsilon, epsilon, "> 0 and finite");
        if (clipNorm is { } max && !(max > 0 && double.IsFinite(max))) return new OutOfRange(Settings.ClipNorm, max, "> 0 and finite");
        Optimizer? optimizer = name?.Trim().ToLowerInvariant() switch
        {
            "sgd" => new Sgd(rate, weightDecay),
            "momentum" => new Momentum(rate, momentum, Nesterov: false, weightDecay),
            "nesterov" => new Momentum(rate, momentum, Nesterov: true, weightDecay),
            "adam" => new Adam(rate, beta1, beta2, epsilon, weightDecay, Decoupled: false),
            "adamw" => new Adam(rate, beta1, beta2, epsilon, weightDecay, Decoupled: true),
            "amsgrad" => new AmsGrad(rate, beta1, beta2, epsilon, weightDecay),
            _ => null,
        };
        return optimizer is null ? new UnknownName(Settings.Optimizer, name ?? "", Names.Split('|')) : optimizer with { ClipNorm = clipNorm };
    }

    private IEnumerable<GradientTransformation> Clipping() => ClipNorm is { } max ? [new ClipByGlobalNorm(max)] : [];

    /// <summary><paramref name="slots"/> with each of <paramref name="names"/> set to the tensor at the same place in <paramref name="values"/>.</summary>
    private static Map<OrdString, string, Gradients> Named(Map<OrdString, string, Gradients> slots, IReadOnlyList<string> names, IReadOnlyList<Gradients> values)
    {
        if (names.Count != values.Count) throw new InvalidOperationException("a chain's state and its slot names differ in number");
        for (var i = 0; i < names.Count; i++) slots = slots.AddOrUpdate(names[i], values[i]);
        return slots;
    }
}
