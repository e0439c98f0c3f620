namespace Backprop.Functional.Fast;

/// <summary>
/// The fast forms of the gradient transformations, registered by transformation type: an
/// optimizer has a fused step exactly when every transformation of its chain has a rule here.
/// </summary>
internal static class UpdateRules
{
    private static readonly Dictionary<Type, Func<GradientTransformation, RuleBox>> Registered = new()
    {
        [typeof(AddDecayedWeights)] = t => ((AddDecayedWeights)t).WeightDecay is var decay and not 0
            ? RuleBox.Of(new AddDecayedWeightsRule(decay))
            : RuleBox.Of(new Unchanged()),
        [typeof(Trace)] = t => RuleBox.Of(new TraceRule(((Trace)t).Decay, ((Trace)t).Nesterov)),
        [typeof(ScaleByAdam)] = t => RuleBox.Of(new ScaleByAdamRule((ScaleByAdam)t, 0)),
        [typeof(ScaleByAmsgrad)] = t => RuleBox.Of(new ScaleByAmsgradRule((ScaleByAmsgrad)t, 0)),
        [typeof(ScaleByLearningRate)] = t => RuleBox.Of(new ScaleByLearningRateRule(((ScaleByLearningRate)t).Schedule, 0)),
        [typeof(ClipByGlobalNorm)] = t => RuleBox.Of(new ClipByGlobalNormRule((ClipByGlobalNorm)t, double.NaN)),
    };

    /// <summary>
    /// The optimizer's chain as one fused rule, or null when some transformation has no registered
    /// rule. A rule that reads the global norm is accepted only first in the chain: the fused step
    /// knows the norm of the gradients alone, not of what a transformation made of them.
    /// </summary>
    public static UpdatePlan? Compile(Optimizer optimizer)
    {
        var chain = optimizer.Transformation;
        RuleBox? composed = null;
        foreach (var part in Flatten(chain))
        {
            if (!Registered.TryGetValue(part.GetType(), out var compile)) return null;
            var rule = compile(part);
            if (rule.Slots != part.SlotNames.Count) throw new InvalidOperationException($"the rule of {part.GetType().Name} keeps {rule.Slots} slots, its transformation {part.SlotNames.Count}");
            if (rule.ReadsGlobalNorm && composed is not null) return null;
            composed = composed is null ? rule : composed.Then(rule);
        }
        return new UpdatePlan(chain.SlotNames, composed ?? RuleBox.Of(new Unchanged()));
    }

    private static IEnumerable<GradientTransformation> Flatten(GradientTransformation transformation) =>
        transformation is Chain chain ? chain.Parts.SelectMany(Flatten) : [transformation];
}
