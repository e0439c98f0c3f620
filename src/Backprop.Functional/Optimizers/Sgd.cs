using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Backprop.Functional;

/// <summary>Plain gradient descent: θ ← θ − lr·g (with optional L2 weight decay folded into g).</summary>
public sealed record Sgd(Schedule LearningRate, double WeightDecay = 0) : Optimizer
{
    /// <inheritdoc/>
    public override string Name => "sgd";

    /// <inheritdoc/>
    public override OptimizerState Init(Network parameters) => OptimizerState.Stateless;

    /// <inheritdoc/>
    public override (Gradients Updates, OptimizerState State) Update(Gradients gradients, OptimizerState state, Network parameters)
    {
        var rate = LearningRate.At(state.Count);
        var updates = WithL2(gradients, parameters, WeightDecay).DescentSteps(rate);
        return (updates, state with { Count = state.Count + 1 });
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal override FusedOptimizerStep Fused(long count) =>
        new FusedOptimizerStep<Rule>(new Rule(LearningRate.At(count), WeightDecay), []);

    /// <inheritdoc/>
    public override IEnumerable<(string Name, double Value)> Hyperparameters() =>
        [("lr", LearningRate.InitialRate), ("weight_decay", WeightDecay)];

    /// <summary>θ′ = θ + −(lr·(g + λ·θ)), the L2 term only when λ ≠ 0 (as <see cref="Update"/>).</summary>
    private readonly struct Rule(double rate, double weightDecay) : IUpdateRule
    {
        private readonly Vector256<double> rate = Vector256.Create(rate);
        private readonly Vector256<double> weightDecay = Vector256.Create(weightDecay);
        // The same constants for eight lanes: the eight-lane Step repeats the four-lane one operation for operation.
        private readonly Vector512<double> wideRate = Vector512.Create(rate);
        private readonly Vector512<double> wideWeightDecay = Vector512.Create(weightDecay);
        private readonly bool decays = weightDecay != 0;

        public int Slots => 0;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector256<double> Step(Vector256<double> theta, Vector256<double> g, ref Vector256<double> s0, ref Vector256<double> s1)
        {
            if (decays) g += weightDecay * theta;
            return theta + FusedUpdate.Negate(rate * g);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector512<double> Step(Vector512<double> theta, Vector512<double> g, ref Vector512<double> s0, ref Vector512<double> s1)
        {
            if (decays) g += wideWeightDecay * theta;
            return theta + FusedUpdate.Negate(wideRate * g);
        }
    }
}
