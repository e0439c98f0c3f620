using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Backprop.Functional.Numerics;

/// <summary>
/// The L2 norm of several tensors taken together, summed in one fixed order so that every caller
/// (the reference <see cref="Gradients.GlobalNorm"/> and the fused step's pre-pass) gets the same bits
/// on any machine: each tensor's Σ g² is taken in sixteen partial sums, element i going into sum
/// i mod 16 in order of i (each square rounded, then added); the partial sums s₀…s₁₅ are combined as
/// tⱼ = (sⱼ + s₄₊ⱼ) + (s₈₊ⱼ + s₁₂₊ⱼ) for j = 0…3, then (t₀ + t₁) + (t₂ + t₃). The tensors' sums are
/// added one after the other in tensor order (layer 0 weight, layer 0 bias, layer 1 weight, …),
/// starting from +0, and the norm is the square root of the total.
/// </summary>
internal static class GlobalNorm
{
    /// <summary>√(Σ over <paramref name="tensors"/> of Σ g²), in the documented order.</summary>
    public static double Of(IReadOnlyList<double[]> tensors)
    {
        var total = 0.0;
        for (var k = 0; k < tensors.Count; k++) total += SumOfSquares(tensors[k]);
        return Math.Sqrt(total);
    }

    /// <summary>Σ g² of one tensor, in sixteen partial sums (four vectors of four).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double SumOfSquares(ReadOnlySpan<double> values)
    {
        ref var x = ref MemoryMarshal.GetReference(values);
        var (s0, s1, s2, s3) = (Vector256<double>.Zero, Vector256<double>.Zero, Vector256<double>.Zero, Vector256<double>.Zero);
        var whole = (nuint)(values.Length & ~15);
        nuint i = 0;
        for (; i < whole; i += 16)
        {
            var (a, b, c, d) = (Vector256.LoadUnsafe(ref x, i), Vector256.LoadUnsafe(ref x, i + 4), Vector256.LoadUnsafe(ref x, i + 8), Vector256.LoadUnsafe(ref x, i + 12));
            (s0, s1, s2, s3) = (s0 + a * a, s1 + b * b, s2 + c * c, s3 + d * d);
        }
        if ((int)whole < values.Length)
        {
            // The last 1–15 elements padded with zeros: +0 added to a sum of squares leaves its bits.
            Span<double> tail = stackalloc double[16];
            tail.Clear();
            values[(int)whole..].CopyTo(tail);
            var (a, b, c, d) = (Vector256.Create<double>(tail[..4]), Vector256.Create<double>(tail[4..8]), Vector256.Create<double>(tail[8..12]), Vector256.Create<double>(tail[12..]));
            (s0, s1, s2, s3) = (s0 + a * a, s1 + b * b, s2 + c * c, s3 + d * d);
        }
        var t = (s0 + s1) + (s2 + s3);
        return (t.GetElement(0) + t.GetElement(1)) + (t.GetElement(2) + t.GetElement(3));
    }
}
