using System.Runtime.CompilerServices;
using Backprop.Functional.Numerics;

namespace Backprop.Functional.Fast;

/// <summary><see cref="ScaleByLearningRate"/>: −(lr·u), the sign bit flipped, with the schedule's rate at this step.</summary>
internal readonly struct ScaleByLearningRateRule(Schedule schedule, long count) : IUpdateRule<ScaleByLearningRateRule>
{
    private readonly Schedule schedule = schedule;
    private readonly Constant rate = new(schedule.At(count));

    public static int Slots
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => 0;
    }

    public static bool ReadsGlobalNorm => false;

    public ScaleByLearningRateRule At(in UpdateContext context) => new(schedule, context.Count);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TLanes Update<TLanes>(TLanes u, TLanes theta, ref SlotCursor<TLanes> slots, int slot)
        where TLanes : struct, ILanes<TLanes> =>
        -(rate * u);
}
