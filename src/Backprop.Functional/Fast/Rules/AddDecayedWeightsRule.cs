using System.Runtime.CompilerServices;

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
    public Lanes<TVector, TOps> Update<TVector, TOps>(Lanes<TVector, TOps> u, Lanes<TVector, TOps> theta, ref SlotCursor<TVector, TOps> slots, int slot)
        where TVector : struct
        where TOps : struct, ILaneOps<TVector> =>
        u + weightDecay * theta;
}
