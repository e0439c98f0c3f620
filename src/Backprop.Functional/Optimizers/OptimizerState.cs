using LanguageExt;

namespace Backprop.Functional;

/// <summary>
/// An optimizer's state as plain data (Optax-style): how many updates it has made and its
/// named slots, each shaped like the network (momentum's velocity, Adam's m and v). A saved
/// state file holds it tensor by tensor, so resuming continues exactly.
/// </summary>
public sealed record OptimizerState(long Count, Map<string, Gradients> Slots)
{
    /// <summary>The state of an optimizer without slots (plain SGD).</summary>
    public static OptimizerState Stateless { get; } = new(0, Map<string, Gradients>.Empty);

    /// <summary>A slot by name; throws if the optimizer never created it (a bug, not a user error).</summary>
    public Gradients Slot(string name) =>
        Slots.Find(name).IfNone(() => throw new InvalidOperationException($"optimizer state has no slot '{name}'"));
}
