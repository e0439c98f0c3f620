namespace Backprop.Functional;

/// <summary>
/// What each gradient transformation does, as math a person can follow: its rule (the lines of
/// its update, u standing for the incoming updates), its constants at a given step, and the
/// values it derives for one element from its slots. Kept beside the transformations but apart
/// from them, so that each transformation's type holds only its math.
/// </summary>
public static class TransformationRules
{
    /// <summary>The rule of <paramref name="transformation"/> at the update after <paramref name="count"/> earlier ones, with <paramref name="incoming"/> its incoming updates.</summary>
    public static TransformationRule Of(GradientTransformation transformation, long count, Gradients incoming) => transformation switch
    {
        ClipByGlobalNorm clip => Rule("clip_by_global_norm", ["c = max/(‖u‖ + 10⁻⁶)", "u ← c·u when c < 1, else u"],
            ("max", clip.MaxNorm), ("‖u‖", incoming.GlobalNorm()), ("c", clip.Factor(incoming.GlobalNorm()))),
        AddDecayedWeights decay => Rule("add_decayed_weights", ["u ← u + λ·θ"], ("λ", decay.WeightDecay)),
        Trace { Nesterov: false } trace => Rule("trace", ["v ← μ·v + u", "u ← v"], ("μ", trace.Decay)),
        Trace trace => Rule("trace (nesterov)", ["v ← μ·v + u", "u ← u + μ·v"], ("μ", trace.Decay)),
        ScaleByAdam adam => Rule("scale_by_adam", ["m ← β1·m + (1 − β1)·u", "v ← β2·v + (1 − β2)·u²", "m̂ = m/(1 − β1ᵗ)", "v̂ = v/(1 − β2ᵗ)", "u ← m̂/(√v̂ + ε)"],
            ("β1", adam.Beta1), ("β2", adam.Beta2), ("ε", adam.Epsilon), ("t", count + 1)),
        ScaleByAmsgrad ams => Rule("scale_by_amsgrad", ["m ← β1·m + (1 − β1)·u", "v ← β2·v + (1 − β2)·u²", "v_max ← max(v_max, v)", "m̂ = m/(1 − β1ᵗ)", "v̂ = v_max/(1 − β2ᵗ)", "u ← m̂/(√v̂ + ε)"],
            ("β1", ams.Beta1), ("β2", ams.Beta2), ("ε", ams.Epsilon), ("t", count + 1)),
        ScaleByLearningRate rate => Rule($"scale_by_learning_rate ({rate.Schedule.Name} schedule)", ["u ← −lr(t)·u"], ("lr(t)", rate.Schedule.At(count)), ("t", count + 1)),
        _ => Rule(transformation.GetType().Name, []),
    };

    /// <summary>
    /// The values <paramref name="transformation"/> derives for one element from its slots after the
    /// update (<paramref name="after"/>, by slot name): Adam's bias-corrected m̂ and v̂; none for the others.
    /// </summary>
    public static IReadOnlyList<(string Symbol, double Value)> Derived(GradientTransformation transformation, long count, IReadOnlyDictionary<string, double> after)
    {
        (ScaleByAdam Adam, string SecondSlot)? adam = transformation switch
        {
            ScaleByAdam a => (a, ScaleByAdamState.SecondMomentSlot),
            ScaleByAmsgrad a => (a.Adam, ScaleByAmsgradState.MaxSecondMomentSlot),
            _ => null,
        };
        if (adam is not { } found) return [];
        var (first, second) = found.Adam.BiasCorrections(count);
        return [("m̂", after[ScaleByAdamState.FirstMomentSlot] / first), ("v̂", after[found.SecondSlot] / second)];
    }

    private static TransformationRule Rule(string name, string[] lines, params (string Symbol, double Value)[] constants) => new(name, lines, constants);
}

/// <summary>A transformation's update as math.</summary>
/// <param name="Name">Its name (Optax's).</param>
/// <param name="Lines">Its rule, one assignment a line; u is the incoming, then the outgoing, updates.</param>
/// <param name="Constants">Its constants at this step, by symbol.</param>
public sealed record TransformationRule(string Name, IReadOnlyList<string> Lines, IReadOnlyList<(string Symbol, double Value)> Constants);
