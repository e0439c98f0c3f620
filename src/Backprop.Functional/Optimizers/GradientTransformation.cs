namespace Backprop.Functional;

/// <summary>
/// Optax's <c>GradientTransformation</c>: a pure <see cref="Init"/> that makes a state from the
/// parameters and a pure <see cref="Update"/> that maps incoming updates (at first the gradients)
/// and the state to outgoing updates and the next state. Optimizers are <see cref="Chain"/>s of
/// small ones (Optax: <c>adamw = chain(scale_by_adam, add_decayed_weights, scale_by_learning_rate)</c>).
/// </summary>
/// <remarks>
/// Optax keeps a step count in the state of each transformation that needs one; here the
/// optimizer keeps one count for the whole chain (<see cref="OptimizerState.Count"/>) and passes
/// it to every <see cref="Update"/>. Every part of a chain advances once per update, so their
/// counts could never differ, and one count is what a saved state file records.
/// </remarks>
public abstract record GradientTransformation
{
    /// <summary>
    /// The names of the tensors its state keeps, in the order of <see cref="TransformationState.Slots"/>:
    /// how an <see cref="OptimizerState"/> and a saved state file name them.
    /// </summary>
    public virtual IReadOnlyList<string> SlotNames => [];

    /// <summary>The state before the first update.</summary>
    public abstract TransformationState Init(Network parameters);

    /// <summary>The outgoing updates and the next state.</summary>
    /// <param name="updates">The incoming updates: the gradients, or what earlier transformations made of them.</param>
    /// <param name="state">This transformation's state.</param>
    /// <param name="parameters">The parameters the updates will be added to.</param>
    /// <param name="count">How many updates came before this one (0 for the first).</param>
    public abstract (Gradients Updates, TransformationState State) Update(Gradients updates, TransformationState state, Network parameters, long count);

    /// <summary>Its state from the tensors <see cref="SlotNames"/> names, in that order (e.g. read back from a file).</summary>
    public abstract TransformationState StateOf(IReadOnlyList<Gradients> slots);
}

/// <summary>A <see cref="GradientTransformation"/> whose state has the type <typeparamref name="TState"/>.</summary>
/// <typeparam name="TState">Its state record.</typeparam>
public abstract record GradientTransformation<TState> : GradientTransformation
    where TState : TransformationState
{
    /// <inheritdoc/>
    public abstract override TState Init(Network parameters);

    /// <inheritdoc/>
    public abstract override TState StateOf(IReadOnlyList<Gradients> slots);

    /// <inheritdoc cref="GradientTransformation.Update"/>
    public abstract (Gradients Updates, TState State) Update(Gradients updates, TState state, Network parameters, long count);

    /// <inheritdoc/>
    public sealed override (Gradients Updates, TransformationState State) Update(Gradients updates, TransformationState state, Network parameters, long count) =>
        Update(updates, (TState)state, parameters, count);
}

/// <summary>A transformation that keeps nothing between updates (Optax's <c>EmptyState</c>).</summary>
public abstract record StatelessTransformation : GradientTransformation<EmptyState>
{
    /// <inheritdoc/>
    public sealed override EmptyState Init(Network parameters) => EmptyState.Instance;

    /// <inheritdoc/>
    public sealed override EmptyState StateOf(IReadOnlyList<Gradients> slots) => EmptyState.Instance;

    /// <inheritdoc/>
    public sealed override (Gradients Updates, EmptyState State) Update(Gradients updates, EmptyState state, Network parameters, long count) =>
        (Update(updates, parameters, count), state);

    /// <summary>The outgoing updates.</summary>
    /// <param name="updates">The incoming updates.</param>
    /// <param name="parameters">The parameters the updates will be added to.</param>
    /// <param name="count">How many updates came before this one.</param>
    public abstract Gradients Update(Gradients updates, Network parameters, long count);
}

/// <summary>The state of a <see cref="GradientTransformation"/>: plain data, tensors shaped like the network.</summary>
public abstract record TransformationState
{
    /// <summary>Its tensors in the order of its transformation's <see cref="GradientTransformation.SlotNames"/>.</summary>
    public abstract IReadOnlyList<Gradients> Slots { get; }
}

/// <summary>The state of a transformation that keeps nothing.</summary>
public sealed record EmptyState : TransformationState
{
    private EmptyState()
    {
    }

    /// <summary>The one empty state.</summary>
    public static EmptyState Instance { get; } = new();

    /// <inheritdoc/>
    public override IReadOnlyList<Gradients> Slots => [];
}
