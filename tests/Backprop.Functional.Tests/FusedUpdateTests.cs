using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Backprop.Functional.Tests;

/// <summary>
/// The fused optimizer update over one tensor: eight lanes at a time where the machine has them,
/// then four, then a padded tail. Its laws: a tensor updated at once is every element updated
/// alone (a single element always takes the four-lane tail), whatever is poisoned, and it reports
/// "not finite" exactly when a gradient or an updated value is NaN or ±∞. Which NaN a non-finite
/// update holds is not compared: such an update is never applied, and its sign may change when
/// the JIT recompiles a rule (θ + (−x) may become θ − x, the same number for every non-NaN x).
/// </summary>
public sealed class FusedUpdateTests
{
    /// <summary>An optimizer, a tensor length (tails of 0–3 elements), and where NaN, ±∞ or huge values sit.</summary>
    public sealed record UpdateCase(string Optimizer, double Rate, double WeightDecay, double[] Parameters, double[] Gradient, double[] Slot0, double[] Slot1)
    {
        public override string ToString() =>
            $"{Optimizer} lr {Rate:R} wd {WeightDecay:R}, θ [{string.Join(", ", Parameters)}], g [{string.Join(", ", Gradient)}]";
    }

    public static class Cases
    {
        public static Arbitrary<UpdateCase> Arbitrary()
        {
            var value = Gen.Frequency(
                (8, Gen.Choose(-1000, 1000).Select(i => i / 100.0)),
                (1, Gen.Elements(double.NaN, double.PositiveInfinity, double.NegativeInfinity, 1e300, -1e308)));
            return (from optimizer in Gen.Elements("sgd", "momentum", "nesterov", "adam", "adamw")
                    from rate in Gen.Elements(0.01, 1e10, 1.7e306)
                    from decay in Gen.Elements(0.0, 0.0, 0.05)
                    from length in Gen.Choose(1, 23)
                    from parameters in value.ArrayOf(length)
                    from gradient in value.ArrayOf(length)
                    from slot0 in Gen.Choose(-100, 100).Select(i => i / 10.0).ArrayOf(length)
                    from slot1 in Gen.Choose(0, 100).Select(i => i / 10.0).ArrayOf(length)
                    select new UpdateCase(optimizer, rate, decay, parameters, gradient, slot0, slot1)).ToArbitrary();
        }
    }

    private static FusedOptimizerStep Step(UpdateCase c) =>
        ((Optimizer)Optimizer.Create(c.Optimizer, new ConstantSchedule(c.Rate), 0.9, 0.9, 0.999, 1e-8, c.WeightDecay)).Fused(3)!;

    /// <summary>Runs the step over elements [from, from + count) into arrays prefilled with a marker.</summary>
    private static (bool Finite, double[] Next, double[] Next0, double[] Next1) Run(UpdateCase c, FusedOptimizerStep step, int from, int count)
    {
        var marker = 12345.678;
        var (next, next0, next1) = (Filled(count, marker), Filled(count, marker), Filled(count, marker));
        var update = new TensorUpdate
        {
            Parameters = c.Parameters.AsSpan(from, count),
            Gradient = c.Gradient.AsSpan(from, count),
            Next = next,
        };
        if (step.Slots.Count > 0)
        {
            update.Slot0 = c.Slot0.AsSpan(from, count);
            update.NextSlot0 = next0;
        }
        if (step.Slots.Count > 1)
        {
            update.Slot1 = c.Slot1.AsSpan(from, count);
            update.NextSlot1 = next1;
        }
        return (step.Run(ref update), next, next0, next1);

        static double[] Filled(int n, double v) => Enumerable.Repeat(v, n).ToArray();
    }

    [Property(MaxTest = 500, Arbitrary = [typeof(Cases)])]
    public Property A_tensor_updated_at_once_is_every_element_updated_alone(UpdateCase c)
    {
        var step = Step(c);
        var whole = Run(c, step, 0, c.Parameters.Length);
        var alone = Enumerable.Range(0, c.Parameters.Length).Select(i => Run(c, step, i, 1)).ToArray();
        var same = Enumerable.Range(0, alone.Length).All(i =>
            Same(whole.Next[i], alone[i].Next[0]) && Same(whole.Next0[i], alone[i].Next0[0]) && Same(whole.Next1[i], alone[i].Next1[0]));
        var finite = c.Gradient.All(double.IsFinite) && whole.Next.All(double.IsFinite);
        return (same && whole.Finite == finite && whole.Finite == alone.All(a => a.Finite))
            .Label($"at once [{string.Join(", ", whole.Next)}] finite {whole.Finite}; alone [{string.Join(", ", alone.Select(a => a.Next[0]))}]; expected finite {finite}");

        // Bit for bit, except that any NaN matches any NaN (see the class summary).
        static bool Same(double a, double b) =>
            BitConverter.DoubleToInt64Bits(a) == BitConverter.DoubleToInt64Bits(b) || (double.IsNaN(a) && double.IsNaN(b));
    }
}
