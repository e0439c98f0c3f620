using System.Runtime.CompilerServices;

namespace Backprop.Functional.Fast;

/// <summary>
/// An optimizer compiled for the fused training step (<see cref="UpdateRules.Compile"/>): the
/// slots it reads and replaces, whether it needs the gradients' global norm before any tensor is
/// updated, and its chain's rules composed into one, whose constants <see cref="At"/> works out
/// for each step.
/// </summary>
internal sealed class UpdatePlan(IReadOnlyList<string> slots, RuleBox rule)
{
    /// <summary>The slots (e.g. "m", "v") whose values each step reads and replaces, in order.</summary>
    public IReadOnlyList<string> Slots { get; } = slots;

    /// <summary>Whether a step needs <see cref="UpdateContext.GlobalNorm"/>.</summary>
    public bool ReadsGlobalNorm => rule.ReadsGlobalNorm;

    /// <summary>The step after <paramref name="count"/> earlier ones, for gradients of global norm <paramref name="globalNorm"/> (ignored unless <see cref="ReadsGlobalNorm"/>).</summary>
    public FusedOptimizerStep At(long count, double globalNorm = double.NaN) => rule.At(new UpdateContext(count, globalNorm));
}

/// <summary>
/// A rule whose struct type is known only at run time. <see cref="Then"/> composes two into a box
/// of their <see cref="Then{TFirst, TSecond}"/> type, so that a chain of any length runs as one
/// loop with every rule inlined into it.
/// </summary>
internal abstract class RuleBox
{
    public abstract int Slots { get; }

    public abstract bool ReadsGlobalNorm { get; }

    /// <summary>This rule, then <paramref name="next"/>.</summary>
    public abstract RuleBox Then(RuleBox next);

    /// <summary><paramref name="first"/>, then this rule (the second half of <see cref="Then"/>, where both types are known).</summary>
    public abstract RuleBox After<TFirst>(TFirst first) where TFirst : struct, IUpdateRule<TFirst>;

    /// <summary>The step with these constants.</summary>
    public abstract FusedOptimizerStep At(in UpdateContext context);

    /// <summary>A box holding <paramref name="rule"/>.</summary>
    public static RuleBox Of<TRule>(TRule rule) where TRule : struct, IUpdateRule<TRule> => new RuleBox<TRule>(rule);
}

/// <inheritdoc/>
internal sealed class RuleBox<TRule>(TRule rule) : RuleBox where TRule : struct, IUpdateRule<TRule>
{
    public override int Slots => TRule.Slots;

    public override bool ReadsGlobalNorm => TRule.ReadsGlobalNorm;

    public override RuleBox Then(RuleBox next) => next.After(rule);

    public override RuleBox After<TFirst>(TFirst first) => new RuleBox<Then<TFirst, TRule>>(new(first, rule));

    public override FusedOptimizerStep At(in UpdateContext context) => new FusedOptimizerStep<TRule>(rule.At(context));
}

/// <summary>An optimizer's fused step for one training step, its constants worked out: updates one tensor at a time.</summary>
internal abstract class FusedOptimizerStep
{
    /// <summary>Updates one tensor; false when a gradient or an updated value is not finite.</summary>
    public abstract bool Run(scoped ref TensorUpdate update, LaneWidths widths = LaneWidths.Widest);
}

/// <summary>A fused step whose rule is the struct <typeparamref name="TRule"/> (inlined into the loop).</summary>
internal sealed class FusedOptimizerStep<TRule>(TRule rule) : FusedOptimizerStep where TRule : struct, IUpdateRule<TRule>
{
    private readonly TRule rule = rule;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override bool Run(scoped ref TensorUpdate update, LaneWidths widths = LaneWidths.Widest) => FusedUpdate.Run(in rule, ref update, widths);
}
