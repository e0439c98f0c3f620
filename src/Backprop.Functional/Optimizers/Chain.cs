using LanguageExt;

namespace Backprop.Functional;

/// <summary>
/// Optax's <c>chain</c>: the transformations applied one after the other, each to the updates the
/// one before it made; the state is theirs, in order. The slots of all of them must have distinct
/// names, since a saved state names each tensor by its slot alone.
/// </summary>
public sealed record Chain : GradientTransformation<ChainState>
{
    /// <summary>The chain of <paramref name="parts"/>, first applied first.</summary>
    public Chain(params IEnumerable<GradientTransformation> parts)
    {
        Parts = parts.ToArr();
        var names = Parts.SelectMany(p => p.SlotNames).ToArray();
        if (names.Distinct().Count() != names.Length)
            throw new ArgumentException($"the parts of a chain keep slots with the same name ({string.Join(", ", names)})", nameof(parts));
    }

    /// <summary>The transformations, first applied first.</summary>
    public Arr<GradientTransformation> Parts { get; }

    /// <inheritdoc/>
    public override IReadOnlyList<string> SlotNames => [.. Parts.SelectMany(p => p.SlotNames)];

    /// <inheritdoc/>
    public override ChainState Init(Network parameters) => new(Parts.Map(p => p.Init(parameters)));

    /// <inheritdoc/>
    public override ChainState StateOf(IReadOnlyList<Gradients> slots)
    {
        var taken = 0;
        var states = new TransformationState[Parts.Count];
        for (var i = 0; i < states.Length; i++)
        {
            var count = Parts[i].SlotNames.Count;
            states[i] = Parts[i].StateOf([.. slots.Skip(taken).Take(count)]);
            taken += count;
        }
        return new(new Arr<TransformationState>(states));
    }

    /// <inheritdoc/>
    public override (Gradients Updates, ChainState State) Update(Gradients updates, ChainState state, Network parameters, long count)
    {
        var states = new TransformationState[Parts.Count];
        for (var i = 0; i < states.Length; i++)
            (updates, states[i]) = Parts[i].Update(updates, state.States[i], parameters, count);
        return (updates, new(new Arr<TransformationState>(states)));
    }
}

/// <summary>The state of a <see cref="Chain"/>: the state of each part, in order.</summary>
public sealed record ChainState(Arr<TransformationState> States) : TransformationState
{
    /// <inheritdoc/>
    public override IReadOnlyList<Gradients> Slots => [.. States.SelectMany(s => s.Slots)];
}
