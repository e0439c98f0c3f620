using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Backprop.Functional.Numerics.Gemm;

/// <summary>
/// Products with a single output row or column (a batch of one sample): packing would cost as
/// much as the arithmetic, so these read the operands in place. Every output is
/// <c>y[p] = chain over k of fma(x[k], M[k, p], ·)</c> with y contiguous.
/// </summary>
internal static class VectorProduct
{
    /// <summary>
    /// y[p] for p in [0, count): x[k] is at x + k·xStride, M[k, p] at m + k·depthStride + p·laneStride.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run<TLanes>(ref double x, nint xStride, ref double m, nint depthStride, nint laneStride, int depth, int count, ref double y)
        where TLanes : struct, ILanes<TLanes>
    {
        var done = 0;
        if (laneStride == 1) done = RunContiguous<TLanes>(ref x, xStride, ref m, depthStride, depth, count, ref y);
        else if (depthStride == 1 && Avx.IsSupported) done = RunTransposing(ref x, xStride, ref m, laneStride, depth, count, ref y);
        RunScalar(ref x, xStride, ref m, depthStride, laneStride, depth, done, count, ref y);
    }

    /// <summary>When M's rows are contiguous, lanes run over p; returns how many outputs were written.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int RunContiguous<TLanes>(ref double x, nint xStride, ref double m, nint depthStride, int depth, int count, ref double y)
        where TLanes : struct, ILanes<TLanes>
    {
        var w = TLanes.Count;
        var p = 0;
        // Four vectors of outputs per pass over k: enough independent chains to hide FMA latency.
        for (; p + 4 * w <= count; p += 4 * w)
        {
            TLanes y0 = TLanes.Zero, y1 = TLanes.Zero, y2 = TLanes.Zero, y3 = TLanes.Zero;
            ref var row = ref Unsafe.Add(ref m, p);
            for (nint k = 0; k < depth; k++)
            {
                var xk = (TLanes)Unsafe.Add(ref x, k * xStride);
                ref var mk = ref Unsafe.Add(ref row, k * depthStride);
                y0 = TLanes.MultiplyAdd(xk, TLanes.Load(ref mk, 0), y0);
                y1 = TLanes.MultiplyAdd(xk, TLanes.Load(ref mk, w), y1);
                y2 = TLanes.MultiplyAdd(xk, TLanes.Load(ref mk, 2 * w), y2);
                y3 = TLanes.MultiplyAdd(xk, TLanes.Load(ref mk, 3 * w), y3);
            }
            TLanes.Store(y0, ref y, p);
            TLanes.Store(y1, ref y, p + w);
            TLanes.Store(y2, ref y, p + 2 * w);
            TLanes.Store(y3, ref y, p + 3 * w);
        }
        p = OneVectorAtATime<TLanes>(ref x, xStride, ref m, depthStride, depth, p, count, ref y);
        // Narrower vectors for the last few outputs: every lane is the same chain, whatever the width.
        if (w > Lanes4.Count) p = OneVectorAtATime<Lanes4>(ref x, xStride, ref m, depthStride, depth, p, count, ref y);
        if (p + Vector128<double>.Count <= count)
        {
            var y0 = Vector128<double>.Zero;
            ref var row = ref Unsafe.Add(ref m, p);
            for (nint k = 0; k < depth; k++)
                y0 = Vector128.FusedMultiplyAdd(Vector128.Create(Unsafe.Add(ref x, k * xStride)), Vector128.LoadUnsafe(ref Unsafe.Add(ref row, k * depthStride)), y0);
            y0.StoreUnsafe(ref Unsafe.Add(ref y, p));
            p += Vector128<double>.Count;
        }
        return p;
    }

    /// <summary>Outputs from <paramref name="p"/> on, one vector of <typeparamref name="TLanes"/> per pass over k, while a whole vector fits; returns where it stopped.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int OneVectorAtATime<TLanes>(ref double x, nint xStride, ref double m, nint depthStride, int depth, int p, int count, ref double y)
        where TLanes : struct, ILanes<TLanes>
    {
        for (; p + TLanes.Count <= count; p += TLanes.Count)
        {
            var y0 = TLanes.Zero;
            ref var row = ref Unsafe.Add(ref m, p);
            for (nint k = 0; k < depth; k++)
                y0 = TLanes.MultiplyAdd((TLanes)Unsafe.Add(ref x, k * xStride), TLanes.Load(ref row, k * depthStride), y0);
            TLanes.Store(y0, ref y, p);
        }
        return p;
    }

    /// <summary>
    /// When M's columns are contiguous (k runs along memory, as in δ·W with W column-major),
    /// 4×4 blocks are transposed in registers so that lanes again hold different outputs.
    /// Sixteen outputs per pass: four independent vector chains hide the FMA latency.
    /// Returns how many outputs were written.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int RunTransposing(ref double x, nint xStride, ref double m, nint laneStride, int depth, int count, ref double y)
    {
        const int block = 16;
        var p = 0;
        for (; p + block <= count; p += block)
        {
            Vector256<double> y0 = default, y1 = default, y2 = default, y3 = default;
            ref var g0 = ref Unsafe.Add(ref m, p * laneStride);
            ref var g1 = ref Unsafe.Add(ref g0, 4 * laneStride);
            ref var g2 = ref Unsafe.Add(ref g1, 4 * laneStride);
            ref var g3 = ref Unsafe.Add(ref g2, 4 * laneStride);
            nint k = 0;
            for (; k + 4 <= depth; k += 4)
            {
                var x0 = Vector256.Create(Unsafe.Add(ref x, k * xStride));
                var x1 = Vector256.Create(Unsafe.Add(ref x, (k + 1) * xStride));
                var x2 = Vector256.Create(Unsafe.Add(ref x, (k + 2) * xStride));
                var x3 = Vector256.Create(Unsafe.Add(ref x, (k + 3) * xStride));
                y0 = FourSteps(ref Unsafe.Add(ref g0, k), laneStride, x0, x1, x2, x3, y0);
                y1 = FourSteps(ref Unsafe.Add(ref g1, k), laneStride, x0, x1, x2, x3, y1);
                y2 = FourSteps(ref Unsafe.Add(ref g2, k), laneStride, x0, x1, x2, x3, y2);
                y3 = FourSteps(ref Unsafe.Add(ref g3, k), laneStride, x0, x1, x2, x3, y3);
            }
            for (; k < depth; k++)
            {
                var xk = Vector256.Create(Unsafe.Add(ref x, k * xStride));
                y0 = Vector256.FusedMultiplyAdd(xk, Gather(ref Unsafe.Add(ref g0, k), laneStride), y0);
                y1 = Vector256.FusedMultiplyAdd(xk, Gather(ref Unsafe.Add(ref g1, k), laneStride), y1);
                y2 = Vector256.FusedMultiplyAdd(xk, Gather(ref Unsafe.Add(ref g2, k), laneStride), y2);
                y3 = Vector256.FusedMultiplyAdd(xk, Gather(ref Unsafe.Add(ref g3, k), laneStride), y3);
            }
            y0.StoreUnsafe(ref Unsafe.Add(ref y, p));
            y1.StoreUnsafe(ref Unsafe.Add(ref y, p + 4));
            y2.StoreUnsafe(ref Unsafe.Add(ref y, p + 8));
            y3.StoreUnsafe(ref Unsafe.Add(ref y, p + 12));
        }
        return p;
    }

    /// <summary>Four k steps of four outputs whose k values sit in four columns <paramref name="laneStride"/> apart.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> FourSteps(ref double column, nint laneStride, Vector256<double> x0, Vector256<double> x1, Vector256<double> x2, Vector256<double> x3, Vector256<double> acc)
    {
        var r0 = Vector256.LoadUnsafe(ref column);
        var r1 = Vector256.LoadUnsafe(ref Unsafe.Add(ref column, laneStride));
        var r2 = Vector256.LoadUnsafe(ref Unsafe.Add(ref column, 2 * laneStride));
        var r3 = Vector256.LoadUnsafe(ref Unsafe.Add(ref column, 3 * laneStride));
        var t0 = Avx.UnpackLow(r0, r1);
        var t1 = Avx.UnpackHigh(r0, r1);
        var t2 = Avx.UnpackLow(r2, r3);
        var t3 = Avx.UnpackHigh(r2, r3);
        acc = Vector256.FusedMultiplyAdd(x0, Avx.Permute2x128(t0, t2, 0x20), acc);
        acc = Vector256.FusedMultiplyAdd(x1, Avx.Permute2x128(t1, t3, 0x20), acc);
        acc = Vector256.FusedMultiplyAdd(x2, Avx.Permute2x128(t0, t2, 0x31), acc);
        return Vector256.FusedMultiplyAdd(x3, Avx.Permute2x128(t1, t3, 0x31), acc);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> Gather(ref double column, nint laneStride) =>
        Vector256.Create(column, Unsafe.Add(ref column, laneStride), Unsafe.Add(ref column, 2 * laneStride), Unsafe.Add(ref column, 3 * laneStride));

    /// <summary>
    /// Outputs [from, count) one scalar chain each, eight chains interleaved so that the FMA
    /// units stay busy despite each chain's latency.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RunScalar(ref double x, nint xStride, ref double m, nint depthStride, nint laneStride, int depth, int from, int count, ref double y)
    {
        var p = from;
        for (; p + 8 <= count; p += 8)
        {
            double y0 = 0.0, y1 = 0.0, y2 = 0.0, y3 = 0.0, y4 = 0.0, y5 = 0.0, y6 = 0.0, y7 = 0.0;
            // Eight columns of M from four base references and one offset: x86 addressing
            // then needs no multiplication inside the loop.
            ref var m0 = ref Unsafe.Add(ref m, p * laneStride);
            ref var m2 = ref Unsafe.Add(ref m0, 2 * laneStride);
            ref var m4 = ref Unsafe.Add(ref m0, 4 * laneStride);
            ref var m6 = ref Unsafe.Add(ref m0, 6 * laneStride);
            for (nint k = 0, at = 0; k < depth; k++, at += depthStride)
            {
                var xk = Unsafe.Add(ref x, k * xStride);
                y0 = Math.FusedMultiplyAdd(xk, Unsafe.Add(ref m0, at), y0);
                y1 = Math.FusedMultiplyAdd(xk, Unsafe.Add(ref m0, at + laneStride), y1);
                y2 = Math.FusedMultiplyAdd(xk, Unsafe.Add(ref m2, at), y2);
                y3 = Math.FusedMultiplyAdd(xk, Unsafe.Add(ref m2, at + laneStride), y3);
                y4 = Math.FusedMultiplyAdd(xk, Unsafe.Add(ref m4, at), y4);
                y5 = Math.FusedMultiplyAdd(xk, Unsafe.Add(ref m4, at + laneStride), y5);
                y6 = Math.FusedMultiplyAdd(xk, Unsafe.Add(ref m6, at), y6);
                y7 = Math.FusedMultiplyAdd(xk, Unsafe.Add(ref m6, at + laneStride), y7);
            }
            Unsafe.Add(ref y, p) = y0;
            Unsafe.Add(ref y, p + 1) = y1;
            Unsafe.Add(ref y, p + 2) = y2;
            Unsafe.Add(ref y, p + 3) = y3;
            Unsafe.Add(ref y, p + 4) = y4;
            Unsafe.Add(ref y, p + 5) = y5;
            Unsafe.Add(ref y, p + 6) = y6;
            Unsafe.Add(ref y, p + 7) = y7;
        }
        for (; p < count; p++)
        {
            var acc = 0.0;
            ref var column = ref Unsafe.Add(ref m, p * laneStride);
            for (nint k = 0; k < depth; k++)
                acc = Math.FusedMultiplyAdd(Unsafe.Add(ref x, k * xStride), Unsafe.Add(ref column, k * depthStride), acc);
            Unsafe.Add(ref y, p) = acc;
        }
    }
}
