using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Backprop.Functional;

/// <summary>
/// One tensor's part of a fused optimizer step: reads θ, g and the optimizer's slots (at most
/// two, e.g. Adam's m and v) and writes θ′ = θ + update and the slots' next values into other
/// arrays. It computes what <see cref="Optimizer.Update"/> followed by
/// <see cref="Updates.Apply"/> computes for these elements, without forming the updates.
/// </summary>
internal ref struct TensorUpdate
{
    public ReadOnlySpan<double> Parameters;
    public ReadOnlySpan<double> Gradient;
    public Span<double> Next;
    public ReadOnlySpan<double> Slot0;
    public Span<double> NextSlot0;
    public ReadOnlySpan<double> Slot1;
    public Span<double> NextSlot1;
}

/// <summary>
/// An optimizer's element rule on four (or eight) lanes at a time: θ′ from θ and g, reading and replacing
/// its slot values. Every operation is the same IEEE operation the optimizer's
/// <see cref="Optimizer.Update"/> performs on each element (no contraction into fused
/// multiply-adds), so lanes and scalars give the same bits.
/// </summary>
internal interface IUpdateRule
{
    /// <summary>How many slots the rule reads and writes (0, 1 or 2).</summary>
    int Slots { get; }

    /// <summary>θ′ for four elements; <paramref name="s0"/> and <paramref name="s1"/> hold the slots on entry and their next values on return.</summary>
    Vector256<double> Step(Vector256<double> theta, Vector256<double> g, ref Vector256<double> s0, ref Vector256<double> s1);

    /// <summary>The same for eight elements, operation for operation (so each lane gets the bits of the four-lane form).</summary>
    Vector512<double> Step(Vector512<double> theta, Vector512<double> g, ref Vector512<double> s0, ref Vector512<double> s1);
}

/// <summary>Runs an <see cref="IUpdateRule"/> over a tensor and watches for NaN and ±∞.</summary>
internal static class FusedUpdate
{
    /// <summary>−x exactly: the sign bit flipped (0 − x would turn −(rate·0) into +0).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Negate(Vector256<double> x) => Vector256.Xor(x, Vector256.Create(-0.0));

    /// <inheritdoc cref="Negate(Vector256{double})"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Negate(Vector512<double> x) => Vector512.Xor(x, Vector512.Create(-0.0));

    /// <summary>
    /// Applies <paramref name="rule"/> to every element; returns false when a gradient or an
    /// updated parameter is NaN or ±∞ (x − x is then NaN, else +0), so that the caller can look
    /// for the first such element precisely.
    /// </summary>
    // Not inlined: its own inlining budget keeps the lane functions (exp and its helpers) inlined.
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static bool Run<TRule>(TRule rule, scoped ref TensorUpdate u) where TRule : struct, IUpdateRule
    {
        var length = u.Parameters.Length;
        var slots = rule.Slots;
        if (u.Gradient.Length != length || u.Next.Length != length) throw new ArgumentException("tensor shapes differ");
        if (slots > 0 && (u.Slot0.Length != length || u.NextSlot0.Length != length)) throw new ArgumentException("slot shapes differ");
        if (slots > 1 && (u.Slot1.Length != length || u.NextSlot1.Length != length)) throw new ArgumentException("slot shapes differ");
        ref var theta = ref MemoryMarshal.GetReference(u.Parameters);
        ref var g = ref MemoryMarshal.GetReference(u.Gradient);
        ref var next = ref MemoryMarshal.GetReference(u.Next);
        ref var s0 = ref MemoryMarshal.GetReference(u.Slot0);
        ref var n0 = ref MemoryMarshal.GetReference(u.NextSlot0);
        ref var s1 = ref MemoryMarshal.GetReference(u.Slot1);
        ref var n1 = ref MemoryMarshal.GetReference(u.NextSlot1);
        var poison = Vector256<double>.Zero;
        var whole = (nuint)(length & ~3);
        nuint i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            // Eight lanes at a time where the machine has them; the same bits as four.
            var wide = Vector512<double>.Zero;
            for (; i + 8 <= whole; i += 8)
            {
                var gi = Vector512.LoadUnsafe(ref g, i);
                Vector512<double> a = default, b = default;
                if (slots > 0) a = Vector512.LoadUnsafe(ref s0, i);
                if (slots > 1) b = Vector512.LoadUnsafe(ref s1, i);
                var updated = rule.Step(Vector512.LoadUnsafe(ref theta, i), gi, ref a, ref b);
                updated.StoreUnsafe(ref next, i);
                if (slots > 0) a.StoreUnsafe(ref n0, i);
                if (slots > 1) b.StoreUnsafe(ref n1, i);
                wide |= (gi - gi) | (updated - updated);
            }
            poison = wide.GetLower() | wide.GetUpper();
        }
        for (; i < whole; i += 4)
        {
            var gi = Vector256.LoadUnsafe(ref g, i);
            Vector256<double> a = default, b = default;
            if (slots > 0) a = Vector256.LoadUnsafe(ref s0, i);
            if (slots > 1) b = Vector256.LoadUnsafe(ref s1, i);
            var updated = rule.Step(Vector256.LoadUnsafe(ref theta, i), gi, ref a, ref b);
            updated.StoreUnsafe(ref next, i);
            if (slots > 0) a.StoreUnsafe(ref n0, i);
            if (slots > 1) b.StoreUnsafe(ref n1, i);
            poison |= (gi - gi) | (updated - updated);
        }
        // The tail runs even after a poisoned vector: the caller scans every element to name the
        // first non-finite one in the reference's order, which may lie in the tail. (poison is
        // settled before the call: a vector live across it is kept in memory inside the loop.)
        var vectorsFinite = poison == Vector256<double>.Zero;
        var tailFinite = (int)whole == length || RunTail(rule, ref u, (int)whole);
        return vectorsFinite && tailFinite;
    }

    /// <summary>The last one to three elements, through the same lanes padded with zeros (which every rule maps to finite values).</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static bool RunTail<TRule>(TRule rule, scoped ref TensorUpdate u, int whole) where TRule : struct, IUpdateRule
    {
        Span<double> lanes = stackalloc double[4 * 5];
        var rest = u.Parameters.Length - whole;
        u.Parameters[whole..].CopyTo(lanes[..4]);
        u.Gradient[whole..].CopyTo(lanes[4..8]);
        if (rule.Slots > 0) u.Slot0[whole..].CopyTo(lanes[8..12]);
        if (rule.Slots > 1) u.Slot1[whole..].CopyTo(lanes[12..16]);
        var (a, b) = (Vector256.Create<double>(lanes[8..12]), Vector256.Create<double>(lanes[12..16]));
        var gi = Vector256.Create<double>(lanes[4..8]);
        var updated = rule.Step(Vector256.Create<double>(lanes[..4]), gi, ref a, ref b);
        updated.CopyTo(lanes[16..]);
        lanes[16..(16 + rest)].CopyTo(u.Next[whole..]);
        if (rule.Slots > 0)
        {
            a.CopyTo(lanes[16..]);
            lanes[16..(16 + rest)].CopyTo(u.NextSlot0[whole..]);
        }
        if (rule.Slots > 1)
        {
            b.CopyTo(lanes[16..]);
            lanes[16..(16 + rest)].CopyTo(u.NextSlot1[whole..]);
        }
        return ((gi - gi) | (updated - updated)) == Vector256<double>.Zero;
    }
}

/// <summary>
/// An optimizer's fused step for one training step: its constants (learning rate, bias
/// corrections) worked out once, and the names of the slots it reads and replaces, in order.
/// </summary>
internal abstract class FusedOptimizerStep
{
    /// <summary>The slots (e.g. "m", "v") whose values <see cref="Run"/> reads and replaces.</summary>
    public abstract IReadOnlyList<string> Slots { get; }

    /// <summary>Updates one tensor; false when a gradient or an updated value is not finite.</summary>
    public abstract bool Run(scoped ref TensorUpdate update);
}

/// <summary>A fused step whose element rule is the struct <typeparamref name="TRule"/> (inlined into the loop).</summary>
internal sealed class FusedOptimizerStep<TRule>(TRule rule, IReadOnlyList<string> slots) : FusedOptimizerStep
    where TRule : struct, IUpdateRule
{
    public override IReadOnlyList<string> Slots => slots;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override bool Run(scoped ref TensorUpdate update) => FusedUpdate.Run(rule, ref update);
}
