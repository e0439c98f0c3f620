using Backprop.Functional.Tests.Support;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Backprop.Functional.Tests.Optimizers;

/// <summary>Chains compose transformations: associatively, with the empty chain as the identity.</summary>
public sealed class ChainTests
{
    /// <summary>Three transformations of different kinds (so their slots have different names), in any order, and where their updates start.</summary>
    public sealed record ChainCase(GradientTransformation A, GradientTransformation B, GradientTransformation C, NetworkCase Network)
    {
        public override string ToString() => $"{A} → {B} → {C}; {Network}";
    }

    public static class Cases
    {
        private static readonly Gen<GradientTransformation>[] Kinds =
        [
            Gen.Elements<GradientTransformation>(new AddDecayedWeights(0), new AddDecayedWeights(0.03)),
            Gen.Elements<GradientTransformation>(new Trace(0.9, false), new Trace(0.6, true)),
            Gen.Elements<GradientTransformation>(new ScaleByAdam(0.9, 0.99, 1e-3), new ScaleByAmsgrad(0.8, 0.95, 1e-8)),
            Gen.Elements<GradientTransformation>(new ScaleByLearningRate(new ConstantSchedule(0.1)), new ScaleByLearningRate(new StepSchedule(0.3, 1, 0.5))),
            Gen.Elements<GradientTransformation>(new ClipByGlobalNorm(0.05), new ClipByGlobalNorm(100)),
        ];

        public static Arbitrary<ChainCase> Arbitrary() =>
            (from order in Gen.Shuffle(Enumerable.Range(0, Kinds.Length))
             from a in Kinds[order[0]]
             from b in Kinds[order[1]]
             from c in Kinds[order[2]]
             from network in NetworkCase.Arbitrary(["tanh", "sigmoid"]).Generator
             select new ChainCase(a, b, c, network)).ToArbitrary();
    }

    /// <summary>Three updates of <paramref name="transformation"/> on gradients of growing size: every update's bits and then every slot's.</summary>
    private static double[] Trajectory(GradientTransformation transformation, NetworkCase c)
    {
        var (network, gradient) = (c.Network, Training.Gradient(c.Network, c.Loss, c.Data));
        var state = transformation.Init(network);
        var bits = new List<double>();
        for (var count = 0; count < 3; count++)
        {
            (var updates, state) = transformation.Update(gradient.Scale(count + 1), state, network, count);
            bits.AddRange(Bits.Of(updates));
        }
        foreach (var slot in state.Slots) bits.AddRange(Bits.Of(slot));
        return [.. bits];
    }

    [Property(MaxTest = 200, Arbitrary = [typeof(Cases)])]
    public Property Chaining_is_associative_bit_for_bit(ChainCase c)
    {
        var left = Trajectory(new Chain(c.A, new Chain(c.B, c.C)), c.Network);
        var right = Trajectory(new Chain(new Chain(c.A, c.B), c.C), c.Network);
        var flat = Trajectory(new Chain(c.A, c.B, c.C), c.Network);
        return (Bits.Same(left, right) && Bits.Same(left, flat)).Label("chain(a, chain(b, c)), chain(chain(a, b), c) and chain(a, b, c) differ");
    }

    [Property(MaxTest = 100, Arbitrary = [typeof(Cases)])]
    public Property The_empty_chain_is_the_identity_on_either_side(ChainCase c)
    {
        var alone = Trajectory(c.A, c.Network);
        return (Bits.Same(alone, Trajectory(new Chain(new Chain(), c.A), c.Network)) && Bits.Same(alone, Trajectory(new Chain(c.A, new Chain()), c.Network)))
            .Label("chain((), a) or chain(a, ()) differs from a");
    }

    [Fact]
    public void A_chain_refuses_two_parts_that_keep_slots_of_the_same_name()
    {
        var error = Assert.Throws<ArgumentException>(() => new Chain(new ScaleByAdam(0.9, 0.999, 1e-8), new ScaleByAmsgrad(0.9, 0.999, 1e-8)));
        Assert.Contains("m, v, m, v, v_max", error.Message);
    }

    [Fact]
    public void A_chains_state_round_trips_through_its_named_slots()
    {
        var c = new NetworkCase([3, 4, 2], ["tanh", "sigmoid"], 4, 12);
        var chain = new Chain(new Trace(0.9, true), new ScaleByAmsgrad(0.9, 0.999, 1e-8), new ScaleByLearningRate(new ConstantSchedule(0.1)));
        var (_, state) = chain.Update(Training.Gradient(c.Network, c.Loss, c.Data), chain.Init(c.Network), c.Network, 0);
        Assert.Equal(["velocity", "m", "v", "v_max"], chain.SlotNames);
        Assert.Equal(state, chain.StateOf(state.Slots));
    }
}
