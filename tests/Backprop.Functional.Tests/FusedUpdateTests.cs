using Backprop.Functional.Fast;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using LanguageExt;

namespace Backprop.Functional.Tests;

/// <summary>
/// The fused optimizer update over one tensor: eight lanes at a time where the machine has them,
/// then four, then one. Its laws: a tensor updated at once is every element updated alone (a
/// single element always takes the one-lane form), whatever is poisoned; every lane width gives
/// every element the same bits; and it reports "not finite" exactly when a gradient or an updated
/// value is NaN or ±∞. Which NaN a non-finite update holds is not compared: such an update is never
/// applied, and its sign may change when the JIT recompiles a rule (θ + (−x) may become θ − x, the
/// same number for every non-NaN x). The optimizers are the named ones and random chains of every
/// registered transformation, with up to four slots and clipping by a given global norm.
/// </summary>
public sealed class FusedUpdateTests
{
    /// <summary>An optimizer built from transformations, for chains no name stands for.</summary>
    public sealed record Composed(Schedule LearningRate, Arr<GradientTransformation> Parts) : Optimizer
    {
        public override string Name => "composed";

        protected override IEnumerable<GradientTransformation> Algorithm() => Parts;

        public override IEnumerable<(string Name, double Value)> Hyperparameters() => [];
    }

    /// <summary>An optimizer, the gradients' global norm, a tensor length (tails of 0–7 elements), and where NaN, ±∞ or huge values sit.</summary>
    public sealed record UpdateCase(Optimizer Optimizer, double GlobalNorm, double[] Parameters, double[] Gradient, double[][] Slots)
    {
        public override string ToString() =>
            $"{Optimizer} = {string.Join(" → ", Optimizer.Transformation.Parts)}, norm {GlobalNorm:R}, θ [{string.Join(", ", Parameters)}], g [{string.Join(", ", Gradient)}]";
    }

    public static class Cases
    {
        private static readonly Gen<Arr<GradientTransformation>> Chains =
            from firstDecay in Gen.Elements(0.0, 0.05)
            from trace in Gen.Elements<GradientTransformation?>(null, new Trace(0.8, false), new Trace(0.5, true))
            from moments in Gen.Elements<GradientTransformation?>(null, new ScaleByAdam(0.9, 0.99, 1e-3), new ScaleByAmsgrad(0.8, 0.9, 1e-8))
            from traceFirst in Gen.Elements(true, false)
            from lastDecay in Gen.Elements(0.0, 0.01)
            let middle = (traceFirst ? new[] { trace, moments } : [moments, trace]).OfType<GradientTransformation>()
            select Arr.create<GradientTransformation>([new AddDecayedWeights(firstDecay), .. middle, new AddDecayedWeights(lastDecay)]);

        public static Arbitrary<UpdateCase> Arbitrary()
        {
            var value = Gen.Frequency(
                (8, Gen.Choose(-1000, 1000).Select(i => i / 100.0)),
                (1, Gen.Elements(double.NaN, double.PositiveInfinity, double.NegativeInfinity, 1e300, -1e308)));
            return (from name in Gen.Elements("sgd", "momentum", "nesterov", "adam", "adamw", "amsgrad", "chain")
                    from rate in Gen.Elements(0.01, 1e10, 1.7e306)
                    from decay in Gen.Elements(0.0, 0.0, 0.05)
                    from clip in Gen.Elements<double?>(null, null, 1.0, 2.5)
                    from norm in Gen.Elements(0.5, 3.0, 1e6, 0.0, double.PositiveInfinity, double.NaN)
                    from chain in Chains
                    from length in Gen.Choose(1, 23)
                    from parameters in value.ArrayOf(length)
                    from gradient in value.ArrayOf(length)
                    from slots in Gen.Choose(0, 100).Select(i => i / 10.0).ArrayOf(length).ArrayOf(4)
                    let optimizer = name == "chain"
                        ? new Composed(new ConstantSchedule(rate), chain)
                        : (Optimizer)Optimizer.Create(name, new ConstantSchedule(rate), 0.9, 0.9, 0.999, 1e-8, decay)
                    // Momentum's velocity may be negative; moments and their maximum never are.
                    let signed = slots.Select((s, k) => k == 0 && name != "chain" ? s.Select(x => x - 5).ToArray() : s).ToArray()
                    select new UpdateCase(optimizer with { ClipNorm = clip }, norm, parameters, gradient, signed)).ToArbitrary();
        }
    }

    private static FusedOptimizerStep Step(UpdateCase c)
    {
        var plan = UpdateRules.Compile(c.Optimizer)!;
        return plan.At(3, c.GlobalNorm);
    }

    /// <summary>Runs the step over elements [from, from + count) into arrays prefilled with a marker.</summary>
    private static (bool Finite, double[] Next, double[][] NextSlots) Run(UpdateCase c, int from, int count, LaneWidths widths = LaneWidths.Widest)
    {
        var marker = 12345.678;
        var slotCount = c.Optimizer.Transformation.SlotNames.Count;
        var next = Filled(count, marker);
        var slots = Enumerable.Range(0, slotCount).Select(s => new SlotTensor(c.Slots[s][from..(from + count)], Filled(count, marker))).ToArray();
        var update = new TensorUpdate
        {
            Parameters = c.Parameters.AsSpan(from, count),
            Gradient = c.Gradient.AsSpan(from, count),
            Next = next,
            Slots = slots,
        };
        return (Step(c).Run(ref update, widths), next, slots.Select(s => s.Next).ToArray());

        static double[] Filled(int n, double v) => Enumerable.Repeat(v, n).ToArray();
    }

    // Bit for bit, except that any NaN matches any NaN (see the class summary).
    private static bool Same(double a, double b) =>
        BitConverter.DoubleToInt64Bits(a) == BitConverter.DoubleToInt64Bits(b) || (double.IsNaN(a) && double.IsNaN(b));

    private static bool SameElement((bool Finite, double[] Next, double[][] NextSlots) a, int i, (bool Finite, double[] Next, double[][] NextSlots) b, int j) =>
        Same(a.Next[i], b.Next[j]) && a.NextSlots.Zip(b.NextSlots).All(s => Same(s.Item1[i], s.Item2[j]));

    [Property(MaxTest = 500, Arbitrary = [typeof(Cases)])]
    public Property A_tensor_updated_at_once_is_every_element_updated_alone(UpdateCase c)
    {
        var whole = Run(c, 0, c.Parameters.Length);
        var alone = Enumerable.Range(0, c.Parameters.Length).Select(i => Run(c, i, 1)).ToArray();
        var same = Enumerable.Range(0, alone.Length).All(i => SameElement(whole, i, alone[i], 0));
        var finite = c.Gradient.All(double.IsFinite) && whole.Next.All(double.IsFinite);
        return (same && whole.Finite == finite && whole.Finite == alone.All(a => a.Finite))
            .Label($"at once [{string.Join(", ", whole.Next)}] finite {whole.Finite}; alone [{string.Join(", ", alone.Select(a => a.Next[0]))}]; expected finite {finite}");
    }

    [Property(MaxTest = 300, Arbitrary = [typeof(Cases)])]
    public Property Eight_four_and_one_lanes_give_every_element_the_same_bits(UpdateCase c)
    {
        var runs = new[] { LaneWidths.Widest, LaneWidths.Four, LaneWidths.One }.Select(w => Run(c, 0, c.Parameters.Length, w)).ToArray();
        var same = runs.Skip(1).All(r => r.Finite == runs[0].Finite && Enumerable.Range(0, c.Parameters.Length).All(i => SameElement(runs[0], i, r, i)));
        return same.Label($"eight [{string.Join(", ", runs[0].Next)}], four [{string.Join(", ", runs[1].Next)}], one [{string.Join(", ", runs[2].Next)}]");
    }

    [Property(MaxTest = 100)]
    public Property Slots_after_the_fourth_are_updated_as_the_transformations_one_after_the_other(PositiveInt seed)
    {
        // No chain of distinct slot names has five slots yet, so the rules are composed directly:
        // trace (1 slot), amsgrad (3), trace (1), then the learning rate.
        var c = new Support.NetworkCase([3, 7, 2], ["tanh", "identity"], 3, (ulong)seed.Get);
        var (network, g) = (c.Network, Training.Gradient(c.Network, c.Loss, c.Data));
        GradientTransformation[] parts = [new Trace(0.8, true), new ScaleByAmsgrad(0.7, 0.9, 1e-3), new Trace(0.6, false), new ScaleByLearningRate(new ConstantSchedule(0.1))];
        var states = parts.Select(p => p.Init(network)).ToArray();
        // One reference update first, so that no slot is zero.
        for (var k = 0; k < parts.Length; k++) (g, states[k]) = parts[k].Update(g, states[k], network, 0);
        var before = states.SelectMany(s => s.Slots).ToArray();
        var gradient = Training.Gradient(c.Network, c.Loss, c.Data).Scale(1.5);
        var updates = gradient;
        for (var k = 0; k < parts.Length; k++) (updates, states[k]) = parts[k].Update(updates, states[k], network, 1);
        var expectedSlots = states.SelectMany(s => s.Slots).ToArray();
        var expected = Updates.Apply(network, updates);

        var rule = RuleBox.Of(new TraceRule(0.8, true)).Then(RuleBox.Of(new ScaleByAmsgradRule((ScaleByAmsgrad)parts[1], 0)))
            .Then(RuleBox.Of(new TraceRule(0.6, false))).Then(RuleBox.Of(new ScaleByLearningRateRule(new ConstantSchedule(0.1), 0)));
        var step = rule.At(new UpdateContext(1, double.NaN));
        var theta = Updates.ParametersOf(network).Tensors().Select(t => t.Values).ToArray();
        var grads = gradient.Tensors().Select(t => t.Values).ToArray();
        var ok = rule.Slots == 5;
        for (var k = 0; k < theta.Length; k++)
            foreach (var widths in new[] { LaneWidths.Widest, LaneWidths.Four, LaneWidths.One })
            {
                var slots = before.Select(b => new SlotTensor(b.Tensors().ElementAt(k).Values, new double[theta[k].Length])).ToArray();
                var next = new double[theta[k].Length];
                var update = new TensorUpdate { Parameters = theta[k], Gradient = grads[k], Next = next, Slots = slots };
                ok &= step.Run(ref update, widths);
                ok &= Support.Bits.Same(Updates.ParametersOf(expected).Tensors().ElementAt(k).Values, next);
                for (var s = 0; s < slots.Length; s++) ok &= Support.Bits.Same(expectedSlots[s].Tensors().ElementAt(k).Values, slots[s].Next);
            }
        return ok.Label("a slot after the fourth, or the update, differs from the transformations applied one after the other");
    }

    /// <summary>Runs one trace rule (one slot) over four elements with these lengths and range.</summary>
    private static string Refusal(int gradient = 4, int next = 4, int slots = 1, int slotCurrent = 4, int slotNext = 4, int from = 0, int? to = null)
    {
        var step = RuleBox.Of(new TraceRule(0.9, false)).At(new UpdateContext(0, double.NaN));
        var tensors = Enumerable.Range(0, slots).Select(_ => new SlotTensor(new double[slotCurrent], new double[slotNext])).ToArray();
        return Assert.Throws<ArgumentException>(() =>
        {
            var update = new TensorUpdate
            {
                Parameters = new double[4],
                Gradient = new double[gradient],
                Next = new double[next],
                Slots = tensors,
                From = from,
                To = to,
            };
            step.Run(ref update);
        }).Message;
    }

    [Fact]
    public void A_tensor_update_whose_arrays_differ_in_length_from_the_parameters_is_refused()
    {
        Assert.Equal("tensor shapes differ", Refusal(gradient: 3));
        Assert.Equal("tensor shapes differ", Refusal(next: 5));
        Assert.Equal("the rule keeps 1 slots, not 2", Refusal(slots: 2));
        Assert.Equal("the rule keeps 1 slots, not 0", Refusal(slots: 0));
        Assert.Equal("slot shapes differ", Refusal(slotCurrent: 3));
        Assert.Equal("slot shapes differ", Refusal(slotNext: 5));
    }

    [Fact]
    public void A_tensor_update_of_elements_outside_the_tensor_is_refused()
    {
        Assert.Equal("elements -1 to 4 are not within the tensor's 4", Refusal(from: -1));
        Assert.Equal("elements 3 to 2 are not within the tensor's 4", Refusal(from: 3, to: 2));
        Assert.Equal("elements 0 to 5 are not within the tensor's 4", Refusal(to: 5));
        Assert.Equal("elements 5 to 4 are not within the tensor's 4", Refusal(from: 5));
    }
}
