using System.Runtime.CompilerServices;
using Backprop.Functional.Numerics;

namespace Backprop.Functional.Fast;

/// <summary><see cref="ScaleByAmsgrad"/>: Adam's moments and step with v_max = max(v_max, v) in place of v. Slots m, v, v_max.</summary>
internal readonly struct ScaleByAmsgradRule(ScaleByAmsgrad amsgrad, long count) : IUpdateRule<ScaleByAmsgradRule>
{
    private readonly ScaleByAmsgrad amsgrad = amsgrad;
    private readonly ScaleByAdamRule adam = new(amsgrad.Adam, count);

    public static int Slots
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => 3;
    }

    public static bool ReadsGlobalNorm => false;

    public ScaleByAmsgradRule At(in UpdateContext context) => new(amsgrad, context.Count);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TLanes Update<TLanes>(TLanes u, TLanes theta, ref SlotCursor<TLanes> slots, int slot)
        where TLanes : struct, ILanes<TLanes>
    {
        var (m, v) = adam.Moments(u, slots.Load(slot), slots.Load(slot + 1));
        var vMax = TLanes.Maximum(slots.Load(slot + 2), v);
        slots.Store(slot, m);
        slots.Store(slot + 1, v);
        slots.Store(slot + 2, vMax);
        return adam.Step(m, vMax);
    }
}
