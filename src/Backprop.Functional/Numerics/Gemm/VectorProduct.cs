using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

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
    public static void Run<TLanes, TVector>(ref double x, nint xStride, ref double m, nint depthStride, nint laneStride, int depth, int count, ref double y)
        where TLanes : struct, ILanes<TVector>
        where TVector : struct
    {
        var done = 0;
        if (laneStride == 1) done = RunContiguous<TLanes, TVector>(ref x, xStride, ref m, depthStride, depth, count, ref y);
        RunScalar(ref x, xStride, ref m, depthStride, laneStride, depth, done, count, ref y);
    }

    /// <summary>When M's rows are contiguous, lanes run over p; returns how many outputs were written.</summary>
    private static int RunContiguous<TLanes, TVector>(ref double x, nint xStride, ref double m, nint depthStride, int depth, int count, ref double y)
        where TLanes : struct, ILanes<TVector>
        where TVector : struct
    {
        var w = TLanes.Count;
        var p = 0;
        // Four vectors of outputs per pass over k: enough independent chains to hide FMA latency.
        for (; p + 4 * w <= count; p += 4 * w)
        {
            TVector y0 = TLanes.Zero, y1 = TLanes.Zero, y2 = TLanes.Zero, y3 = TLanes.Zero;
            ref var row = ref Unsafe.Add(ref m, p);
            for (nint k = 0; k < depth; k++)
            {
                var xk = TLanes.Broadcast(Unsafe.Add(ref x, k * xStride));
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
        for (; p + w <= count; p += w)
        {
            var y0 = TLanes.Zero;
            ref var row = ref Unsafe.Add(ref m, p);
            for (nint k = 0; k < depth; k++)
                y0 = TLanes.MultiplyAdd(TLanes.Broadcast(Unsafe.Add(ref x, k * xStride)), TLanes.Load(ref row, k * depthStride), y0);
            TLanes.Store(y0, ref y, p);
        }
        // Narrower vectors for the last few outputs: every lane is the same chain, whatever the width.
        if (w > Vector256<double>.Count && p + Vector256<double>.Count <= count)
        {
            var y0 = Vector256<double>.Zero;
            ref var row = ref Unsafe.Add(ref m, p);
            for (nint k = 0; k < depth; k++)
                y0 = Vector256.FusedMultiplyAdd(Vector256.Create(Unsafe.Add(ref x, k * xStride)), Vector256.LoadUnsafe(ref Unsafe.Add(ref row, k * depthStride)), y0);
            y0.StoreUnsafe(ref Unsafe.Add(ref y, p));
            p += Vector256<double>.Count;
        }
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

    /// <summary>
    /// Outputs [from, count) one scalar chain each, eight chains interleaved so that the FMA
    /// units stay busy despite each chain's latency.
    /// </summary>
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
