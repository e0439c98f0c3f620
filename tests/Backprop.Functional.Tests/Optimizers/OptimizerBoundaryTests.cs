using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Backprop.Functional.Tests.Optimizers;

/// <summary>
/// Which optimizers <see cref="Optimizer.Create"/> builds, over the values on either side of each
/// documented bound: weight decay ≥ 0 and finite; momentum, β1 and β2 in [0, 1); ε &gt; 0 and
/// finite; a clipping norm, when given, &gt; 0 and finite. A refusal names the setting, the value
/// and the range; an unknown name is refused with the names that are known.
/// </summary>
public sealed class OptimizerBoundaryTests
{
    private static readonly double[] Fractions = [-double.Epsilon, -0.0, 0, double.Epsilon, 0.5, 1 - 1.1e-16, 1, 1 + 2.3e-16, double.NaN, double.PositiveInfinity];

    private static readonly double[] Positives = [double.NegativeInfinity, -1, -double.Epsilon, 0, double.Epsilon, 1e-8, double.MaxValue, double.PositiveInfinity, double.NaN];

    private static readonly double?[] ClipNorms = [null, null, -1, 0, double.Epsilon, 1, double.MaxValue, double.PositiveInfinity, double.NaN];

    /// <summary>One case: (momentum, β1, β2), (ε, weight decay), clipping norm.</summary>
    public static class Boundaries
    {
        public static Arbitrary<((double Momentum, double Beta1, double Beta2) Fractions, (double Epsilon, double Decay) Positives, double? Clip)> Cases() => Arb.From(
            from momentum in Gen.Elements(Fractions)
            from beta1 in Gen.Elements(Fractions)
            from beta2 in Gen.Elements(Fractions)
            from epsilon in Gen.Elements(Positives)
            from decay in Gen.Elements(Positives)
            from clip in Gen.Elements(ClipNorms)
            select ((momentum, beta1, beta2), (epsilon, decay), clip));
    }

    private static bool Fraction(double x) => x >= 0 && x < 1;

    /// <summary>The documented rule, written apart from the code under test; null when every value is in range.</summary>
    private static string? FirstRefused(double momentum, double beta1, double beta2, double epsilon, double decay, double? clip) =>
        !(double.IsFinite(decay) && decay >= 0) ? Settings.WeightDecay
        : !Fraction(momentum) ? Settings.Momentum
        : !Fraction(beta1) ? Settings.Beta1
        : !Fraction(beta2) ? Settings.Beta2
        : !(double.IsFinite(epsilon) && epsilon > 0) ? Settings.Epsilon
        : clip is { } max && !(double.IsFinite(max) && max > 0) ? Settings.ClipNorm
        : null;

    [Property(MaxTest = 800, Arbitrary = [typeof(Boundaries)])]
    public Property An_optimizer_is_built_exactly_when_its_values_are_in_range(((double Momentum, double Beta1, double Beta2) F, (double Epsilon, double Decay) P, double? Clip) c)
    {
        var expected = FirstRefused(c.F.Momentum, c.F.Beta1, c.F.Beta2, c.P.Epsilon, c.P.Decay, c.Clip);
        var built = Optimizer.Create("adamw", new ConstantSchedule(0.1), c.F.Momentum, c.F.Beta1, c.F.Beta2, c.P.Epsilon, c.P.Decay, c.Clip);
        var outcome = built.Match(o => $"built {o}", e => e is OutOfRange refusal ? $"refused {refusal.Setting}" : $"other error {e.Message}");
        var agrees = expected is null ? built.IsSucc : outcome == $"refused {expected}";
        return agrees.Label($"{outcome}, expected {expected ?? "built"}");
    }

    [Theory]
    [InlineData(0.0, 0.0, 0.0, 5e-324, 0.0, null)]
    [InlineData(0.9999999999999999, 0.9999999999999999, 0.9999999999999999, 1.7976931348623157e308, 1.7976931348623157e308, 5e-324)]
    public void The_values_at_each_bound_that_are_inside_it_are_kept(double momentum, double beta1, double beta2, double epsilon, double decay, double? clip)
    {
        var adam = Assert.IsType<Adam>(Optimizer.Create("adam", new ConstantSchedule(0.1), momentum, beta1, beta2, epsilon, decay, clip).ThrowIfFail());
        Assert.Equal((beta1, beta2, epsilon, decay, clip), (adam.Beta1, adam.Beta2, adam.Epsilon, adam.WeightDecay, adam.ClipNorm));
        var nesterov = Assert.IsType<Momentum>(Optimizer.Create("nesterov", new ConstantSchedule(0.1), momentum, beta1, beta2, epsilon, decay, clip).ThrowIfFail());
        Assert.Equal((momentum, true), (nesterov.Beta, nesterov.Nesterov));
    }

    [Theory]
    [InlineData(1.0, 0.9, 0.999, 1e-8, 0.0, Settings.Momentum, "1 is out of range: must be in [0, 1)")]
    [InlineData(0.9, -5e-324, 0.999, 1e-8, 0.0, Settings.Beta1, "-5E-324 is out of range: must be in [0, 1)")]
    [InlineData(0.9, 0.9, 1.0, 1e-8, 0.0, Settings.Beta2, "1 is out of range: must be in [0, 1)")]
    [InlineData(0.9, 0.9, 0.999, 0.0, 0.0, Settings.Epsilon, "0 is out of range: must be > 0 and finite")]
    [InlineData(0.9, 0.9, 0.999, 1e-8, double.PositiveInfinity, Settings.WeightDecay, "Infinity is out of range: must be ≥ 0 and finite")]
    public void A_refusal_names_the_setting_the_value_and_the_range(double momentum, double beta1, double beta2, double epsilon, double decay, string setting, string says)
    {
        var error = Optimizer.Create("adam", new ConstantSchedule(0.1), momentum, beta1, beta2, epsilon, decay).Match(o => $"built {o}", e => e.Message);
        Assert.Equal($"{setting} {says}", error);
    }

    [Fact]
    public void A_clipping_norm_of_zero_is_refused_naming_it()
    {
        var error = Optimizer.Create("sgd", new ConstantSchedule(0.1), 0.9, 0.9, 0.999, 1e-8, 0, clipNorm: 0).Match(o => $"built {o}", e => e.Message);
        Assert.Equal($"{Settings.ClipNorm} 0 is out of range: must be > 0 and finite", error);
    }

    [Theory]
    [InlineData("rmsprop")]
    [InlineData("")]
    public void An_unknown_optimizer_is_refused_with_the_known_names(string name)
    {
        var refusal = Assert.IsType<UnknownName>(Optimizer.Create(name, new ConstantSchedule(0.1), 0.9, 0.9, 0.999, 1e-8, 0).Match(_ => null!, e => e));
        Assert.Equal((Settings.Optimizer, name), (refusal.Setting, refusal.Value));
        Assert.Equal(["sgd", "momentum", "nesterov", "adam", "adamw", "amsgrad"], refusal.Known);
        Assert.Equal(string.Join("|", refusal.Known), Optimizer.Names);
    }

    [Fact]
    public void An_unknown_schedule_or_loss_is_refused_with_the_known_names()
    {
        var schedule = Assert.IsType<UnknownName>(Schedule.Create("linear", 0.1, 10, 0.5).Match(_ => null!, e => e));
        Assert.Equal((Settings.Schedule, "linear", "constant|step|cosine"), (schedule.Setting, schedule.Value, string.Join("|", schedule.Known)));
        Assert.Equal("constant|step|cosine", Schedule.Names);
        var loss = Assert.IsType<UnknownName>(Loss.Parse("hinge").Match(_ => null!, e => e));
        Assert.Equal((Settings.Loss, "hinge", "mse|cross-entropy|binary-cross-entropy"), (loss.Setting, loss.Value, string.Join("|", loss.Known)));
        Assert.Equal("mse|cross-entropy|binary-cross-entropy", Loss.Names);
        Assert.Same(CrossEntropy.Instance, Loss.Parse(" Cross-Entropy ").ThrowIfFail());
    }

    [Theory]
    [InlineData("constant", 0.0, 10L, 0.5, "learning rate 0 is out of range: must be > 0 and finite")]
    [InlineData("step", 0.1, 10L, 0.0, "decay rate 0 is out of range: must be in (0, 1] for the step schedule")]
    [InlineData("cosine", 0.1, 10L, 1.5, "decay rate 1.5 is out of range: must be in [0, 1] for the cosine schedule")]
    public void A_schedule_refusal_says_the_range(string name, double rate, long steps, double decayRate, string message) =>
        Assert.Equal(message, Schedule.Create(name, rate, steps, decayRate).Match(s => $"built {s}", e => e.Message));

    [Fact]
    public void A_loss_that_needs_another_output_activation_says_which()
    {
        var error = CrossEntropy.Instance.WithOutputActivation(Sigmoid.Instance).Match(l => $"kept {l}", e => e.Message);
        Assert.Equal("loss cross-entropy needs output activation softmax, not sigmoid", error);
    }
}
