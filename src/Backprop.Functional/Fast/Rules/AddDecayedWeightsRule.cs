using System.Runtime.CompilerServices;
using Backprop.Functional.Numerics;

namespace Backprop.Functional.Fast;

/// <summary><see cref="AddDecayedWeights"/>: u + λ·θ (registered only for λ ≠ 0).</summary>
internal readonly struct AddDecayedWeightsRule(double weightDecay) : IUpdateRule<AddDecayedWeightsRule>
{
    private readonly Constant weightDecay = new(weightDecay);

    public static int Slots
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => 0;
    }

    public static bool ReadsGlobalNorm => false;

    public AddDecayedWeightsRule At(in UpdateContext context) => this;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TLanes Update<TLanes>(TLanes u, TLanes theta, ref SlotCursor<TLanes> slots, int slot)
        where TLanes : struct, ILanes<TLanes> =>
        u + weightDecay * theta;
}
