using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Backprop.Functional.Numerics;

namespace Backprop.Functional.Fast;

/// <summary>
/// One tensor's part of a fused optimizer step: reads θ, g and the optimizer's slots and writes
/// θ′ = θ + update and the slots' next values into other arrays. It computes what
/// <see cref="Optimizer.Update"/> followed by <see cref="Updates.Apply"/> computes for these
/// elements, without forming the updates.
/// </summary>
internal ref struct TensorUpdate
{
    public ReadOnlySpan<double> Parameters;
    public ReadOnlySpan<double> Gradient;
    public Span<double> Next;

    /// <summary>Every slot of the optimizer, in the order of its chain's <see cref="GradientTransformation.SlotNames"/>; each as long as <see cref="Parameters"/>.</summary>
    public ReadOnlySpan<SlotTensor> Slots;

    /// <summary>
    /// The elements to update, [From, To), when not all (To null means to the end): the threads of
    /// a step each take their own range of every tensor (<see cref="FusedTraining"/>). Each element
    /// is computed alone, so a range gives its elements the bits of the whole tensor's update.
    /// </summary>
    public int From;

    /// <inheritdoc cref="From"/>
    public int? To;
}

/// <summary>Which lane widths a tensor update may use (the narrower ones only for tests: every width gives the same bits).</summary>
internal enum LaneWidths
{
    /// <summary>Eight lanes where the machine has them, then four, then one.</summary>
    Widest,

    /// <summary>Four lanes, then one.</summary>
    Four,

    /// <summary>One element at a time.</summary>
    One,
}

/// <summary>Runs an <see cref="IUpdateRule{TSelf}"/> over a tensor and watches for NaN and ±∞.</summary>
internal static class FusedUpdate
{
    /// <summary>
    /// Applies <paramref name="rule"/> to every element: eight lanes at a time where the machine
    /// has them, then four, then one (every element's bits are the same whichever width takes
    /// it). Returns false when a gradient or an updated parameter is NaN or ±∞ (x − x is then NaN,
    /// else +0), so that the caller can look for the first such element precisely.
    /// </summary>
    public static bool Run<TRule>(in TRule rule, scoped ref TensorUpdate u, LaneWidths widths = LaneWidths.Widest)
        where TRule : struct, IUpdateRule<TRule>
    {
        var length = u.Parameters.Length;
        if (u.Gradient.Length != length || u.Next.Length != length) throw new ArgumentException("tensor shapes differ");
        if (u.Slots.Length != TRule.Slots) throw new ArgumentException($"the rule keeps {TRule.Slots} slots, not {u.Slots.Length}");
        foreach (var slot in u.Slots)
            if (slot.Current.Length != length || slot.Next.Length != length) throw new ArgumentException("slot shapes differ");
        var end = u.To ?? length;
        if (u.From < 0 || u.From > end || end > length) throw new ArgumentException($"elements {u.From} to {end} are not within the tensor's {length}");
        nint i = u.From;
        // Every width runs even after a poisoned vector: the caller scans every element to name
        // the first non-finite one in the reference's order, which may lie anywhere.
        var finite = true;
        if (widths == LaneWidths.Widest && Vector512.IsHardwareAccelerated && end - i >= 8) finite &= RunWidth<TRule, Lanes8>(in rule, ref u, ref i, end);
        if (widths != LaneWidths.One && end - i >= 4) finite &= RunWidth<TRule, Lanes4>(in rule, ref u, ref i, end);
        if (i < end) finite &= RunWidth<TRule, Lanes1>(in rule, ref u, ref i, end);
        return finite;
    }

    /// <summary>Whole vectors of <typeparamref name="TLanes"/>'s width from <paramref name="i"/> up to <paramref name="end"/>; leaves <paramref name="i"/> at the first element not taken.</summary>
    // Not inlined: its own inlining budget keeps the rules inlined into the loop.
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static bool RunWidth<TRule, TLanes>(in TRule rule, scoped ref TensorUpdate u, ref nint i, nint end)
        where TRule : struct, IUpdateRule<TRule>
        where TLanes : struct, ILanes<TLanes>
    {
        ref var theta = ref MemoryMarshal.GetReference(u.Parameters);
        ref var g = ref MemoryMarshal.GetReference(u.Gradient);
        ref var next = ref MemoryMarshal.GetReference(u.Next);
        var slots = new SlotCursor<TLanes>(u.Slots);
        // A copy the loop owns: no store through a tensor's reference can change it, so its constants stay in registers.
        var owned = rule;
        var poison = TLanes.Zero;
        var at = i;
        for (; at + TLanes.Count <= end; at += TLanes.Count)
        {
            var gi = TLanes.Load(ref g, at);
            var thetaI = TLanes.Load(ref theta, at);
            slots.Index = at;
            var updated = thetaI + owned.Update(gi, thetaI, ref slots, 0);
            TLanes.Store(updated, ref next, at);
            slots.Flush(TRule.Slots);
            poison |= (gi - gi) | (updated - updated);
        }
        i = at;
        return TLanes.IsZero(poison);
    }
}
