using LanguageExt;
using LanguageExt.ClassInstances;

namespace Backprop.Functional;

/// <summary>
/// An optimizer's state as plain data (Optax-style): how many updates it has made and the tensors
/// of its chain's state by slot name (momentum's velocity, Adam's m and v), each shaped like the
/// network. The names are what a saved state file calls them, so a file can be read, shown and
/// compared without knowing the optimizer; <see cref="GradientTransformation.StateOf"/> turns the
/// slots back into each transformation's typed state. Resuming from a file continues exactly.
/// </summary>
public sealed record OptimizerState(long Count, Map<OrdString, string, Gradients> Slots)
{
    /// <summary>The state of an optimizer without slots (plain SGD).</summary>
    public static OptimizerState Stateless { get; } = new(0, Map<OrdString, string, Gradients>.Empty);

    /// <summary>A slot by name; throws if the optimizer never created it (a bug, not a user error).</summary>
    public Gradients Slot(string name) =>
        Slots.Find(name).IfNone(() => throw new InvalidOperationException($"optimizer state has no slot '{name}'"));
}
