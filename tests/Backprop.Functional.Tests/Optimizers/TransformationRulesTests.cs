using Backprop.Functional.Numerics;

namespace Backprop.Functional.Tests.Optimizers;

/// <summary>
/// What <c>explain</c> shows of each transformation, pinned: its Optax name, its rule line by line
/// and its constants at the step (t counts from 1), each against the transformation's own values.
/// </summary>
public sealed class TransformationRulesTests
{
    private static readonly Gradients Incoming = new(LanguageExt.Arr.create(
        new LayerGradients(Dense.Matrix(1, 2, [3.0, 4.0]), Dense.Vector([0.0]))));

    private static string Shown(GradientTransformation transformation, long count)
    {
        var rule = TransformationRules.Of(transformation, count, Incoming);
        return $"{rule.Name} | {string.Join("; ", rule.Lines)} | {string.Join(", ", rule.Constants.Select(c => $"{c.Symbol}={c.Value:R}"))}";
    }

    [Fact]
    public void Each_transformation_shows_its_name_rule_and_constants()
    {
        Assert.Equal("clip_by_global_norm | c = max/(‖u‖ + 10⁻⁶); u ← c·u when c < 1, else u | max=2, ‖u‖=5, c=" + (2 / (5 + 1e-6)).ToString("R"),
            Shown(new ClipByGlobalNorm(2), 0));
        Assert.Equal("add_decayed_weights | u ← u + λ·θ | λ=0.01", Shown(new AddDecayedWeights(0.01), 0));
        Assert.Equal("trace | v ← μ·v + u; u ← v | μ=0.9", Shown(new Trace(0.9, Nesterov: false), 0));
        Assert.Equal("trace (nesterov) | v ← μ·v + u; u ← u + μ·v | μ=0.8", Shown(new Trace(0.8, Nesterov: true), 0));
        Assert.Equal("scale_by_adam | m ← β1·m + (1 − β1)·u; v ← β2·v + (1 − β2)·u²; m̂ = m/(1 − β1ᵗ); v̂ = v/(1 − β2ᵗ); u ← m̂/(√v̂ + ε) | β1=0.9, β2=0.999, ε=1E-08, t=3",
            Shown(new ScaleByAdam(0.9, 0.999, 1e-8), 2));
        Assert.Equal("scale_by_amsgrad | m ← β1·m + (1 − β1)·u; v ← β2·v + (1 − β2)·u²; v_max ← max(v_max, v); m̂ = m/(1 − β1ᵗ); v̂ = v_max/(1 − β2ᵗ); u ← m̂/(√v̂ + ε) | β1=0.8, β2=0.99, ε=1E-07, t=5",
            Shown(new ScaleByAmsgrad(0.8, 0.99, 1e-7), 4));
        Assert.Equal("scale_by_learning_rate (constant schedule) | u ← −lr(t)·u | lr(t)=0.05, t=7", Shown(new ScaleByLearningRate(new ConstantSchedule(0.05)), 6));
    }

    [Fact]
    public void A_null_name_is_refused_as_an_empty_one()
    {
        Assert.Equal("", Assert.IsType<UnknownName>(Optimizer.Create(null!, new ConstantSchedule(0.1), 0.9, 0.9, 0.999, 1e-8, 0).Match(_ => null!, e => e)).Value);
        Assert.Equal("", Assert.IsType<UnknownName>(Schedule.Create(null!, 0.1, 10, 0.5).Match(_ => null!, e => e)).Value);
        Assert.Equal("", Assert.IsType<UnknownName>(Loss.Parse(null!).Match(_ => null!, e => e)).Value);
    }
}
