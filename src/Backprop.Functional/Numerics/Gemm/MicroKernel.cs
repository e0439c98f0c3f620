using System.Runtime.CompilerServices;

namespace Backprop.Functional.Numerics.Gemm;

/// <summary>
/// The innermost loop: a tile of <c>2·W × 6</c> outputs (W = lanes per vector) kept in twelve
/// vector registers while k runs. Lanes hold different rows i, so each lane is one output
/// element's own chain <c>acc = fma(A[i,k], B[k,j], acc)</c>, continued in k order.
/// </summary>
internal static class MicroKernel
{
    /// <summary>Columns of C per tile (how many B values are broadcast per k).</summary>
    public const int Columns = 6;

    /// <summary>Rows of C per tile: two vectors.</summary>
    public static int Rows<TLanes>()
        where TLanes : struct, ILanes<TLanes> => 2 * TLanes.Count;

    /// <summary>
    /// Runs <paramref name="depth"/> steps of the twelve chains. <paramref name="a"/> holds
    /// <c>Rows</c> contiguous values per k, the next k <paramref name="strideA"/> further on;
    /// <paramref name="b"/> holds <see cref="Columns"/> contiguous values per k, the next k
    /// <paramref name="strideB"/> further on (packed panels, or an operand read in place). <paramref name="c"/> is a column-major tile with leading dimension
    /// <paramref name="ldc"/>: its values are the chains' current sums when
    /// <paramref name="continueChains"/> (an earlier k block ran), otherwise the chains start at +0.0.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run<TLanes>(int depth, ref double a, nint strideA, ref double b, nint strideB, ref double c, nint ldc, bool continueChains)
        where TLanes : struct, ILanes<TLanes>
    {
        nint w = TLanes.Count;
        TLanes c00, c10, c01, c11, c02, c12, c03, c13, c04, c14, c05, c15;
        if (continueChains)
        {
            c00 = TLanes.Load(ref c, 0);
            c10 = TLanes.Load(ref c, w);
            c01 = TLanes.Load(ref c, ldc);
            c11 = TLanes.Load(ref c, ldc + w);
            c02 = TLanes.Load(ref c, 2 * ldc);
            c12 = TLanes.Load(ref c, 2 * ldc + w);
            c03 = TLanes.Load(ref c, 3 * ldc);
            c13 = TLanes.Load(ref c, 3 * ldc + w);
            c04 = TLanes.Load(ref c, 4 * ldc);
            c14 = TLanes.Load(ref c, 4 * ldc + w);
            c05 = TLanes.Load(ref c, 5 * ldc);
            c15 = TLanes.Load(ref c, 5 * ldc + w);
        }
        else
        {
            c00 = c10 = c01 = c11 = c02 = c12 = c03 = c13 = c04 = c14 = c05 = c15 = TLanes.Zero;
        }

        for (var p = 0; p < depth; p++)
        {
            var a0 = TLanes.Load(ref a, 0);
            var a1 = TLanes.Load(ref a, w);
            var b0 = (TLanes)b;
            c00 = TLanes.MultiplyAdd(a0, b0, c00);
            c10 = TLanes.MultiplyAdd(a1, b0, c10);
            var b1 = (TLanes)Unsafe.Add(ref b, 1);
            c01 = TLanes.MultiplyAdd(a0, b1, c01);
            c11 = TLanes.MultiplyAdd(a1, b1, c11);
            var b2 = (TLanes)Unsafe.Add(ref b, 2);
            c02 = TLanes.MultiplyAdd(a0, b2, c02);
            c12 = TLanes.MultiplyAdd(a1, b2, c12);
            var b3 = (TLanes)Unsafe.Add(ref b, 3);
            c03 = TLanes.MultiplyAdd(a0, b3, c03);
            c13 = TLanes.MultiplyAdd(a1, b3, c13);
            var b4 = (TLanes)Unsafe.Add(ref b, 4);
            c04 = TLanes.MultiplyAdd(a0, b4, c04);
            c14 = TLanes.MultiplyAdd(a1, b4, c14);
            var b5 = (TLanes)Unsafe.Add(ref b, 5);
            c05 = TLanes.MultiplyAdd(a0, b5, c05);
            c15 = TLanes.MultiplyAdd(a1, b5, c15);
            a = ref Unsafe.Add(ref a, strideA);
            b = ref Unsafe.Add(ref b, strideB);
        }

        TLanes.Store(c00, ref c, 0);
        TLanes.Store(c10, ref c, w);
        TLanes.Store(c01, ref c, ldc);
        TLanes.Store(c11, ref c, ldc + w);
        TLanes.Store(c02, ref c, 2 * ldc);
        TLanes.Store(c12, ref c, 2 * ldc + w);
        TLanes.Store(c03, ref c, 3 * ldc);
        TLanes.Store(c13, ref c, 3 * ldc + w);
        TLanes.Store(c04, ref c, 4 * ldc);
        TLanes.Store(c14, ref c, 4 * ldc + w);
        TLanes.Store(c05, ref c, 5 * ldc);
        TLanes.Store(c15, ref c, 5 * ldc + w);
    }
}
