using System.Runtime.CompilerServices;
using Backprop.Functional.Numerics;

namespace Backprop.Functional.Fast;

/// <summary>
/// <see cref="ClipByGlobalNorm"/>: c·u when c = max/(‖g‖ + 10⁻⁶) is below 1, else u. The norm is the
/// gradients' (<see cref="UpdateContext.GlobalNorm"/>), worked out before any tensor is updated, so
/// the rule is registered only as the first of a chain, where u is the gradient.
/// </summary>
internal readonly struct ClipByGlobalNormRule(ClipByGlobalNorm clip, double globalNorm) : IUpdateRule<ClipByGlobalNormRule>
{
    private readonly ClipByGlobalNorm clip = clip;
    private readonly Constant factor = new(clip.Factor(globalNorm));
    private readonly bool scales = clip.Factor(globalNorm) < 1;

    public static int Slots
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => 0;
    }

    public static bool ReadsGlobalNorm => true;

    public ClipByGlobalNormRule At(in UpdateContext context) => new(clip, context.GlobalNorm);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TLanes Update<TLanes>(TLanes u, TLanes theta, ref SlotCursor<TLanes> slots, int slot)
        where TLanes : struct, ILanes<TLanes> =>
        scales ? factor * u : u;
}
