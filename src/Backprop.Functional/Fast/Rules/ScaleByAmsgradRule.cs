using System.Runtime.CompilerServices;

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
    public Lanes<TVector, TOps> Update<TVector, TOps>(Lanes<TVector, TOps> u, Lanes<TVector, TOps> theta, ref SlotCursor<TVector, TOps> slots, int slot)
        where TVector : struct
        where TOps : struct, ILaneOps<TVector>
    {
        var (m, v) = adam.Moments(u, slots.Load(slot), slots.Load(slot + 1));
        var vMax = slots.Load(slot + 2).Max(v);
        slots.Store(slot, m);
        slots.Store(slot + 1, v);
        slots.Store(slot + 2, vMax);
        return adam.Step(m, vMax);
    }
}
