using System.Runtime.CompilerServices;
using Backprop.Functional.Numerics;

namespace Backprop.Functional.Fast;

/// <summary><see cref="ScaleByAdam"/>: the moments, then m/(1−β₁ᵗ)/(√(v/(1−β₂ᵗ)) + ε). Slot 0 is m, slot 1 is v.</summary>
internal readonly struct ScaleByAdamRule(ScaleByAdam adam, (double First, double Second) corrections) : IUpdateRule<ScaleByAdamRule>
{
    private readonly ScaleByAdam adam = adam;
    private readonly Constant beta1 = new(adam.Beta1);
    private readonly Constant rest1 = new(1 - adam.Beta1);
    private readonly Constant beta2 = new(adam.Beta2);
    private readonly Constant rest2 = new(1 - adam.Beta2);
    private readonly Constant epsilon = new(adam.Epsilon);
    private readonly Constant correction1 = new(corrections.First);
    private readonly Constant correction2 = new(corrections.Second);

    /// <summary>The rule for the update after <paramref name="count"/> earlier ones.</summary>
    public ScaleByAdamRule(ScaleByAdam adam, long count)
        : this(adam, adam.BiasCorrections(count))
    {
    }

    public static int Slots
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => 2;
    }

    public static bool ReadsGlobalNorm => false;

    public ScaleByAdamRule At(in UpdateContext context) => new(adam, context.Count);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TLanes Update<TLanes>(TLanes u, TLanes theta, ref SlotCursor<TLanes> slots, int slot)
        where TLanes : struct, ILanes<TLanes>
    {
        var (m, v) = Moments(u, slots.Load(slot), slots.Load(slot + 1));
        slots.Store(slot, m);
        slots.Store(slot + 1, v);
        return Step(m, v);
    }

    /// <summary>β₁m + (1−β₁)u and β₂v + (1−β₂)u².</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public (TLanes M, TLanes V) Moments<TLanes>(TLanes u, TLanes m, TLanes v)
        where TLanes : struct, ILanes<TLanes> =>
        (beta1 * m + rest1 * u, beta2 * v + rest2 * (u * u));

    /// <summary>m/(1−β₁ᵗ)/(√(v/(1−β₂ᵗ)) + ε).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TLanes Step<TLanes>(TLanes m, TLanes v)
        where TLanes : struct, ILanes<TLanes> =>
        m / correction1 / (TLanes.Sqrt(v / correction2) + epsilon);
}
