using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using LanguageExt;

namespace Backprop.Functional;

/// <summary>
/// Heavy-ball momentum, as PyTorch and Optax write it: v ← μ·v + g, then θ ← θ − lr·v, or with
/// Nesterov θ ← θ − lr·(g + μ·v).
/// </summary>
public sealed record Momentum(Schedule LearningRate, double Beta, bool Nesterov, double WeightDecay = 0) : Optimizer
{
    /// <summary>The slot holding v.</summary>
    public const string VelocitySlot = "velocity";

    private static readonly string[] SlotNames = [VelocitySlot];

    /// <inheritdoc/>
    public override string Name => Nesterov ? "nesterov" : "momentum";

    /// <inheritdoc/>
    public override OptimizerState Init(Network parameters) =>
        new(0, Map.create((VelocitySlot, Gradients.Zero(parameters))));

    /// <inheritdoc/>
    public override (Gradients Updates, OptimizerState State) Update(Gradients gradients, OptimizerState state, Network parameters)
    {
        var rate = LearningRate.At(state.Count);
        var g = WithL2(gradients, parameters, WeightDecay);
        var velocity = state.Slot(VelocitySlot).Combine(g, (v, gi) => Beta * v + gi);
        var direction = Nesterov ? g.Combine(velocity, (gi, v) => gi + Beta * v) : velocity;
        var updates = direction.DescentSteps(rate);
        return (updates, new OptimizerState(state.Count + 1, state.Slots.SetItem(VelocitySlot, velocity)));
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal override FusedOptimizerStep Fused(long count) =>
        new FusedOptimizerStep<Rule>(new Rule(LearningRate.At(count), Beta, Nesterov, WeightDecay), SlotNames);

    /// <inheritdoc/>
    public override IEnumerable<(string Name, double Value)> Hyperparameters() =>
        [("lr", LearningRate.InitialRate), ("momentum", Beta), ("weight_decay", WeightDecay)];

    /// <summary>The element rule of <see cref="Update"/> then <see cref="Updates.Apply"/>; slot 0 is v.</summary>
    private readonly struct Rule(double rate, double beta, bool nesterov, double weightDecay) : IUpdateRule
    {
        private readonly Vector256<double> rate = Vector256.Create(rate);
        private readonly Vector256<double> beta = Vector256.Create(beta);
        private readonly Vector256<double> weightDecay = Vector256.Create(weightDecay);
        // The same constants for eight lanes: the eight-lane Step repeats the four-lane one operation for operation.
        private readonly Vector512<double> wideRate = Vector512.Create(rate);
        private readonly Vector512<double> wideBeta = Vector512.Create(beta);
        private readonly Vector512<double> wideWeightDecay = Vector512.Create(weightDecay);
        private readonly bool decays = weightDecay != 0;

        public int Slots => 1;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector256<double> Step(Vector256<double> theta, Vector256<double> g, ref Vector256<double> s0, ref Vector256<double> s1)
        {
            if (decays) g += weightDecay * theta;
            s0 = beta * s0 + g;
            var direction = nesterov ? g + beta * s0 : s0;
            return theta + FusedUpdate.Negate(rate * direction);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector512<double> Step(Vector512<double> theta, Vector512<double> g, ref Vector512<double> s0, ref Vector512<double> s1)
        {
            if (decays) g += wideWeightDecay * theta;
            s0 = wideBeta * s0 + g;
            var direction = nesterov ? g + wideBeta * s0 : s0;
            return theta + FusedUpdate.Negate(wideRate * direction);
        }
    }
}
