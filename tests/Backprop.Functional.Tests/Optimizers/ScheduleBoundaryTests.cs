using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Backprop.Functional.Tests.Optimizers;

/// <summary>
/// Which schedules <see cref="Schedule.Create"/> builds, over the values on either side of each
/// documented bound: rate &gt; 0 and finite; decay steps ≥ 1; step's decay rate in (0, 1], cosine's in [0, 1].
/// </summary>
public sealed class ScheduleBoundaryTests
{
    private static readonly double[] Rates = [0, -0.0, double.Epsilon, -double.Epsilon, 1e-3, 1, double.MaxValue, double.PositiveInfinity, double.NegativeInfinity, double.NaN];

    private static readonly long[] Steps = [long.MinValue, -1, 0, 1, 2, long.MaxValue];

    private static readonly double[] DecayRates = [-double.Epsilon, 0, double.Epsilon, 0.5, 1 - 1e-16, 1, 1 + 2.3e-16, 2, double.NaN, double.PositiveInfinity];

    public static class Boundaries
    {
        public static Arbitrary<(string Name, double Rate, long Steps, double DecayRate)> Cases() => Arb.From(
            from name in Gen.Elements("constant", "step", "cosine")
            from rate in Gen.Elements(Rates)
            from steps in Gen.Elements(Steps)
            from decayRate in Gen.Elements(DecayRates)
            select (name, rate, steps, decayRate));
    }

    /// <summary>The documented rule, written apart from the code under test.</summary>
    private static bool Valid(string name, double rate, long steps, double decayRate) =>
        double.IsFinite(rate) && rate > 0 && name switch
        {
            "constant" => true,
            "step" => steps >= 1 && decayRate > 0 && decayRate <= 1,
            _ => steps >= 1 && decayRate >= 0 && decayRate <= 1,
        };

    [Property(MaxTest = 600, Arbitrary = [typeof(Boundaries)])]
    public Property A_schedule_is_built_exactly_when_its_values_are_in_range((string Name, double Rate, long Steps, double DecayRate) c)
    {
        var built = Schedule.Create(c.Name, c.Rate, c.Steps, c.DecayRate);
        var valid = Valid(c.Name, c.Rate, c.Steps, c.DecayRate);
        var starts = built.Match(s => s.Name == c.Name && s.At(0) == c.Rate && s.InitialRate == c.Rate, _ => true);
        return (built.IsSucc == valid && starts).Label($"built: {built.IsSucc}, expected {valid}");
    }

    [Theory]
    [InlineData("constant", 0.0, 0L, 0.5, Settings.LearningRate)]
    [InlineData("step", 0.1, 0L, 0.5, Settings.DecaySteps)]
    [InlineData("step", 0.1, 1L, 0.0, Settings.DecayRate)]
    [InlineData("step", 0.1, 1L, 1.0000000000000002, Settings.DecayRate)]
    [InlineData("cosine", 0.1, 0L, 0.0, Settings.DecaySteps)]
    [InlineData("cosine", 0.1, 1L, -5e-324, Settings.DecayRate)]
    [InlineData("cosine", 0.1, 1L, 1.0000000000000002, Settings.DecayRate)]
    public void A_value_just_past_a_bound_is_refused_naming_its_setting(string name, double rate, long steps, double decayRate, string setting)
    {
        var error = Schedule.Create(name, rate, steps, decayRate).Match(s => $"built {s}", e => e.Message);
        Assert.Contains(setting, error);
    }
}
