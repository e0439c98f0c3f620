using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Backprop.Functional.Numerics;
using LanguageExt;

namespace Backprop.Functional;

/// <summary>
/// Adam (Kingma and Ba 2015): m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g², m̂ = m/(1−β₁ᵗ),
/// v̂ = v/(1−β₂ᵗ), θ ← θ − lr·m̂/(√v̂ + ε). With <see cref="Decoupled"/> it is AdamW
/// (Loshchilov and Hutter): the decay lr·λ·θ is applied beside the Adam step instead of being
/// folded into g.
/// </summary>
public sealed record Adam(Schedule LearningRate, double Beta1, double Beta2, double Epsilon, double WeightDecay, bool Decoupled) : Optimizer
{
    /// <summary>The slot holding the first moment m.</summary>
    public const string FirstMomentSlot = "m";

    /// <summary>The slot holding the second moment v.</summary>
    public const string SecondMomentSlot = "v";

    private static readonly string[] SlotNames = [FirstMomentSlot, SecondMomentSlot];

    /// <inheritdoc/>
    public override string Name => Decoupled ? "adamw" : "adam";

    /// <inheritdoc/>
    public override OptimizerState Init(Network parameters) =>
        new(0, Map.create((FirstMomentSlot, Gradients.Zero(parameters)), (SecondMomentSlot, Gradients.Zero(parameters))));

    /// <inheritdoc/>
    public override (Gradients Updates, OptimizerState State) Update(Gradients gradients, OptimizerState state, Network parameters)
    {
        var rate = LearningRate.At(state.Count);
        var t = state.Count + 1;
        var g = Decoupled ? gradients : WithL2(gradients, parameters, WeightDecay);
        var m = state.Slot(FirstMomentSlot).Combine(g, (mi, gi) => Beta1 * mi + (1 - Beta1) * gi);
        var v = state.Slot(SecondMomentSlot).Combine(g, (vi, gi) => Beta2 * vi + (1 - Beta2) * (gi * gi));
        var correction1 = 1 - DeterministicMath.PowInt(Beta1, t);
        var correction2 = 1 - DeterministicMath.PowInt(Beta2, t);
        var step = m.Combine(v, (mi, vi) => mi / correction1 / (Math.Sqrt(vi / correction2) + Epsilon));
        if (Decoupled && WeightDecay != 0)
            step = step.Combine(Updates.ParametersOf(parameters), (s, p) => s + WeightDecay * p);
        var updates = step.DescentSteps(rate);
        var slots = state.Slots.SetItem(FirstMomentSlot, m).SetItem(SecondMomentSlot, v);
        return (updates, new OptimizerState(t, slots));
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal override FusedOptimizerStep Fused(long count)
    {
        var t = count + 1;
        var rule = new Rule(LearningRate.At(count), Beta1, Beta2, Epsilon, WeightDecay, Decoupled,
            1 - DeterministicMath.PowInt(Beta1, t), 1 - DeterministicMath.PowInt(Beta2, t));
        return new FusedOptimizerStep<Rule>(rule, SlotNames);
    }

    /// <inheritdoc/>
    public override IEnumerable<(string Name, double Value)> Hyperparameters() =>
        [("lr", LearningRate.InitialRate), ("beta1", Beta1), ("beta2", Beta2), ("eps", Epsilon), ("weight_decay", WeightDecay)];

    /// <summary>The element rule of <see cref="Update"/> then <see cref="Updates.Apply"/>; slot 0 is m, slot 1 is v.</summary>
    private readonly struct Rule(double rate, double beta1, double beta2, double epsilon, double weightDecay, bool decoupled, double correction1, double correction2) : IUpdateRule
    {
        private readonly Vector256<double> rate = Vector256.Create(rate);
        private readonly Vector256<double> beta1 = Vector256.Create(beta1);
        private readonly Vector256<double> rest1 = Vector256.Create(1 - beta1);
        private readonly Vector256<double> beta2 = Vector256.Create(beta2);
        private readonly Vector256<double> rest2 = Vector256.Create(1 - beta2);
        private readonly Vector256<double> epsilon = Vector256.Create(epsilon);
        private readonly Vector256<double> weightDecay = Vector256.Create(weightDecay);
        private readonly Vector256<double> correction1 = Vector256.Create(correction1);
        private readonly Vector256<double> correction2 = Vector256.Create(correction2);
        // The same constants for eight lanes: the eight-lane Step repeats the four-lane one operation for operation.
        private readonly Vector512<double> wideRate = Vector512.Create(rate);
        private readonly Vector512<double> wideBeta1 = Vector512.Create(beta1);
        private readonly Vector512<double> wideRest1 = Vector512.Create(1 - beta1);
        private readonly Vector512<double> wideBeta2 = Vector512.Create(beta2);
        private readonly Vector512<double> wideRest2 = Vector512.Create(1 - beta2);
        private readonly Vector512<double> wideEpsilon = Vector512.Create(epsilon);
        private readonly Vector512<double> wideWeightDecay = Vector512.Create(weightDecay);
        private readonly Vector512<double> wideCorrection1 = Vector512.Create(correction1);
        private readonly Vector512<double> wideCorrection2 = Vector512.Create(correction2);
        private readonly bool l2 = !decoupled && weightDecay != 0;
        private readonly bool decays = decoupled && weightDecay != 0;

        public int Slots => 2;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector256<double> Step(Vector256<double> theta, Vector256<double> g, ref Vector256<double> s0, ref Vector256<double> s1)
        {
            if (l2) g += weightDecay * theta;
            s0 = beta1 * s0 + rest1 * g;
            s1 = beta2 * s1 + rest2 * (g * g);
            var step = s0 / correction1 / (Vector256.Sqrt(s1 / correction2) + epsilon);
            if (decays) step += weightDecay * theta;
            return theta + FusedUpdate.Negate(rate * step);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector512<double> Step(Vector512<double> theta, Vector512<double> g, ref Vector512<double> s0, ref Vector512<double> s1)
        {
            if (l2) g += wideWeightDecay * theta;
            s0 = wideBeta1 * s0 + wideRest1 * g;
            s1 = wideBeta2 * s1 + wideRest2 * (g * g);
            var step = s0 / wideCorrection1 / (Vector512.Sqrt(s1 / wideCorrection2) + wideEpsilon);
            if (decays) step += wideWeightDecay * theta;
            return theta + FusedUpdate.Negate(wideRate * step);
        }
    }
}
