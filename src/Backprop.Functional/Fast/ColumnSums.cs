using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Backprop.Functional.Fast;

/// <summary>The bias gradient of the fused step: the column sums of δ, in place of <see cref="Backward"/>'s.</summary>
internal static class ColumnSums
{
    /// <summary>
    /// sums[j] = Σ_r m[r, j] of a column-major rows × sums.Length matrix, each column added in
    /// row order from +0.0. Four columns run side by side (independent chains, vector lanes when
    /// the rows come in fours), never mixed.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Of(ReadOnlySpan<double> m, int rows, Span<double> sums)
    {
        var columns = sums.Length;
        if (m.Length < rows * columns) throw new ArgumentException($"the matrix holds {m.Length} values, fewer than {rows} rows × {columns} columns");
        ref var data = ref MemoryMarshal.GetReference(m);
        var j = 0;
        if (rows % 4 == 0 && Avx.IsSupported)
        {
            // Lanes hold four columns; 4×4 blocks transposed in registers feed each lane its
            // column's values one row after another, so every sum is still added in row order.
            for (; j + 4 <= columns; j += 4)
            {
                var sum = Vector256<double>.Zero;
                ref var c0 = ref Unsafe.Add(ref data, j * rows);
                ref var c1 = ref Unsafe.Add(ref c0, rows);
                ref var c2 = ref Unsafe.Add(ref c1, rows);
                ref var c3 = ref Unsafe.Add(ref c2, rows);
                for (nuint r = 0; r < (nuint)rows; r += 4)
                {
                    var r0 = Vector256.LoadUnsafe(ref c0, r);
                    var r1 = Vector256.LoadUnsafe(ref c1, r);
                    var r2 = Vector256.LoadUnsafe(ref c2, r);
                    var r3 = Vector256.LoadUnsafe(ref c3, r);
                    var t0 = Avx.UnpackLow(r0, r1);
                    var t1 = Avx.UnpackHigh(r0, r1);
                    var t2 = Avx.UnpackLow(r2, r3);
                    var t3 = Avx.UnpackHigh(r2, r3);
                    sum += Avx.Permute2x128(t0, t2, 0x20);
                    sum += Avx.Permute2x128(t1, t3, 0x20);
                    sum += Avx.Permute2x128(t0, t2, 0x31);
                    sum += Avx.Permute2x128(t1, t3, 0x31);
                }
                sum.CopyTo(sums[j..]);
            }
        }
        for (; j + 4 <= columns; j += 4)
        {
            double s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0;
            ref var c0 = ref Unsafe.Add(ref data, j * rows);
            ref var c1 = ref Unsafe.Add(ref c0, rows);
            ref var c2 = ref Unsafe.Add(ref c1, rows);
            ref var c3 = ref Unsafe.Add(ref c2, rows);
            for (nint r = 0; r < rows; r++)
            {
                s0 += Unsafe.Add(ref c0, r);
                s1 += Unsafe.Add(ref c1, r);
                s2 += Unsafe.Add(ref c2, r);
                s3 += Unsafe.Add(ref c3, r);
            }
            (sums[j], sums[j + 1], sums[j + 2], sums[j + 3]) = (s0, s1, s2, s3);
        }
        for (; j < columns; j++)
        {
            var sum = 0.0;
            foreach (var value in m.Slice(j * rows, rows)) sum += value;
            sums[j] = sum;
        }
    }
}
