namespace Backprop.Functional;

/// <summary>
/// Optax's <c>trace</c>, heavy-ball momentum as PyTorch writes it: v ← μ·v + u, and the update
/// is v, or with Nesterov u + μ·v.
/// </summary>
public sealed record Trace(double Decay, bool Nesterov) : GradientTransformation<TraceState>
{
    /// <inheritdoc/>
    public override IReadOnlyList<string> SlotNames => [TraceState.VelocitySlot];

    /// <inheritdoc/>
    public override TraceState Init(Network parameters) => new(Gradients.Zero(parameters));

    /// <inheritdoc/>
    public override TraceState StateOf(IReadOnlyList<Gradients> slots) => new(slots[0]);

    /// <inheritdoc/>
    public override (Gradients Updates, TraceState State) Update(Gradients updates, TraceState state, Network parameters, long count)
    {
        var velocity = state.Velocity.Combine(updates, (v, u) => Decay * v + u);
        var direction = Nesterov ? updates.Combine(velocity, (u, v) => u + Decay * v) : velocity;
        return (direction, new(velocity));
    }
}

/// <summary>The state of <see cref="Trace"/>: the velocity v.</summary>
public sealed record TraceState(Gradients Velocity) : TransformationState
{
    /// <summary>The name of v in a saved state.</summary>
    public const string VelocitySlot = "velocity";

    /// <inheritdoc/>
    public override IReadOnlyList<Gradients> Slots => [Velocity];
}
