using System.Runtime.CompilerServices;
using Backprop.Functional.Numerics;

namespace Backprop.Functional.Fast;

/// <summary><see cref="Trace"/>: v ← μ·v + u, then v or (Nesterov) u + μ·v. Slot 0 is v.</summary>
internal readonly struct TraceRule(double decay, bool nesterov) : IUpdateRule<TraceRule>
{
    private readonly Constant decay = new(decay);
    private readonly bool nesterov = nesterov;

    public static int Slots
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => 1;
    }

    public static bool ReadsGlobalNorm => false;

    public TraceRule At(in UpdateContext context) => this;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TLanes Update<TLanes>(TLanes u, TLanes theta, ref SlotCursor<TLanes> slots, int slot)
        where TLanes : struct, ILanes<TLanes>
    {
        var velocity = decay * slots.Load(slot) + u;
        var direction = nesterov ? u + decay * velocity : velocity;
        slots.Store(slot, velocity);
        return direction;
    }
}
