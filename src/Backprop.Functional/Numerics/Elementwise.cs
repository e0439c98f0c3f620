using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Backprop.Functional.Numerics;

/// <summary>
/// Element-by-element loops over spans, written once over the vector width. Every element goes
/// through the same operations, tails included (padded lanes), so results never depend on the
/// length, the alignment or the width: where a loop runs eight lanes, each lane does exactly what
/// a four-lane one would. The reference path runs them on four lanes, the fast path on the
/// machine's widest.
/// </summary>
internal static class Elementwise
{
    /// <summary>f(z) for one number: the four-lane code on one lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Value<TFunction>(double z) where TFunction : IElementwiseFunction =>
        TFunction.Value<Lanes4>(z).First;

    /// <summary>f′(z) for one number, given h = f(z).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Slope<TFunction>(double z, double h) where TFunction : IElementwiseFunction =>
        TFunction.Slope<Lanes4>(z, h).First;

    /// <summary>h[i] = f(z[i]).</summary>
    // Not inlined: its own inlining budget keeps the function (exp and its helpers) inlined.
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static void Apply<TLanes, TFunction>(ReadOnlySpan<double> z, Span<double> h)
        where TLanes : struct, ILanes<TLanes>
        where TFunction : IElementwiseFunction
    {
        if (h.Length < z.Length) throw new ArgumentException($"h holds {h.Length} values, fewer than z's {z.Length}");
        var whole = z.Length - z.Length % TLanes.Count;
        ref var zs = ref MemoryMarshal.GetReference(z);
        ref var hs = ref MemoryMarshal.GetReference(h);
        for (nint i = 0; i < whole; i += TLanes.Count)
            TLanes.Store(TFunction.Value(TLanes.Load(ref zs, i)), ref hs, i);
        if (whole == z.Length) return;
        Span<double> tail = stackalloc double[Vector512<double>.Count];
        z[whole..].CopyTo(tail);
        ref var ts = ref MemoryMarshal.GetReference(tail);
        TLanes.Store(TFunction.Value(TLanes.Load(ref ts, 0)), ref ts, 0);
        tail[..(z.Length - whole)].CopyTo(h[whole..]);
    }

    /// <summary>dz[i] = dh[i] · f′(z[i], h[i]); <paramref name="dz"/> may be <paramref name="dh"/>.</summary>
    // Not inlined: its own inlining budget keeps the function inlined.
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static void ChainRule<TLanes, TFunction>(ReadOnlySpan<double> z, ReadOnlySpan<double> h, ReadOnlySpan<double> dh, Span<double> dz)
        where TLanes : struct, ILanes<TLanes>
        where TFunction : IElementwiseFunction
    {
        if (z.Length != h.Length || z.Length != dh.Length || dz.Length < z.Length) throw new ArgumentException($"z, h, dh and dz hold {z.Length}, {h.Length}, {dh.Length} and {dz.Length} values: z, h and dh must agree, and dz must hold as many");
        var whole = z.Length - z.Length % TLanes.Count;
        ref var zs = ref MemoryMarshal.GetReference(z);
        ref var hs = ref MemoryMarshal.GetReference(h);
        ref var dhs = ref MemoryMarshal.GetReference(dh);
        ref var dzs = ref MemoryMarshal.GetReference(dz);
        for (nint i = 0; i < whole; i += TLanes.Count)
            TLanes.Store(TLanes.Load(ref dhs, i) * TFunction.Slope(TLanes.Load(ref zs, i), TLanes.Load(ref hs, i)), ref dzs, i);
        if (whole == z.Length) return;
        var count = Vector512<double>.Count;
        Span<double> tails = stackalloc double[3 * count];
        z[whole..].CopyTo(tails);
        h[whole..].CopyTo(tails[count..]);
        dh[whole..].CopyTo(tails[(2 * count)..]);
        ref var ts = ref MemoryMarshal.GetReference(tails);
        var slope = TFunction.Slope(TLanes.Load(ref ts, 0), TLanes.Load(ref ts, count));
        TLanes.Store(TLanes.Load(ref ts, 2 * count) * slope, ref ts, 0);
        tails[..(z.Length - whole)].CopyTo(dz[whole..]);
    }

    /// <summary>z[r, j] += bias[j] on a column-major rows × bias.Length matrix (each element one addition).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void AddBias(Span<double> z, ReadOnlySpan<double> bias, int rows)
    {
        for (var j = 0; j < bias.Length; j++)
        {
            var column = z.Slice(j * rows, rows);
            var r = 0;
            var b = Vector256.Create(bias[j]);
            for (; r + 4 <= column.Length; r += 4)
                (Vector256.Create<double>(column[r..]) + b).CopyTo(column[r..]);
            for (; r < column.Length; r++) column[r] += bias[j];
        }
    }
}
