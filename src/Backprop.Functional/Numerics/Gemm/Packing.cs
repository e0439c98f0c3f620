using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Backprop.Functional.Numerics.Gemm;

/// <summary>
/// Copies blocks of the strided operands into the contiguous order the micro-kernel reads:
/// A in panels of <c>rowsPerPanel</c> rows (for each k, that many consecutive rows), B in panels
/// of <see cref="MicroKernel.Columns"/> columns (for each k, that many consecutive columns).
/// Rows and columns past the edge are zero: their lanes are computed and then thrown away.
/// </summary>
internal static class Packing
{
    /// <summary>Packs A[rowStart .. rowStart+rows, depthStart .. depthStart+depth]; panel p starts at p·rowsPerPanel·depth.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Rows<TLanes>(MatrixView a, int rowStart, int rows, int depthStart, int depth, ref double destination)
        where TLanes : struct, ILanes<TLanes>
    {
        var panelRows = MicroKernel.Rows<TLanes>();
        nint rowStride = a.RowStride, depthStride = a.ColumnStride;
        for (var first = 0; first < rows; first += panelRows)
        {
            var filled = Math.Min(panelRows, rows - first);
            ref var panel = ref Unsafe.Add(ref destination, (nint)first * depth);
            ref var source = ref a.At(rowStart + first, depthStart);
            if (rowStride == 1 && filled == panelRows)
            {
                nint w = TLanes.Count;
                for (nint p = 0; p < depth; p++)
                {
                    ref var column = ref Unsafe.Add(ref source, p * depthStride);
                    TLanes.Store(TLanes.Load(ref column, 0), ref panel, p * panelRows);
                    TLanes.Store(TLanes.Load(ref column, w), ref panel, p * panelRows + w);
                }
                continue;
            }
            Transpose(ref source, depthStride, rowStride, depth, filled, panelRows, ref panel);
            PadWithZeros(depth, filled, panelRows, ref panel);
        }
    }

    /// <summary>Packs B[depthStart .. depthStart+depth, columnStart .. columnStart+columns]; panel p starts at p·Columns·depth.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Columns(MatrixView b, int depthStart, int depth, int columnStart, int columns, ref double destination)
    {
        const int panelColumns = MicroKernel.Columns;
        nint depthStride = b.RowStride, columnStride = b.ColumnStride;
        for (var first = 0; first < columns; first += panelColumns)
        {
            var filled = Math.Min(panelColumns, columns - first);
            ref var panel = ref Unsafe.Add(ref destination, (nint)first * depth);
            ref var source = ref b.At(depthStart, columnStart + first);
            if (columnStride == 1 && filled == panelColumns)
            {
                for (nint p = 0; p < depth; p++)
                {
                    ref var row = ref Unsafe.Add(ref source, p * depthStride);
                    ref var packed = ref Unsafe.Add(ref panel, p * panelColumns);
                    Unsafe.CopyBlockUnaligned(ref Unsafe.As<double, byte>(ref packed), ref Unsafe.As<double, byte>(ref row), panelColumns * sizeof(double));
                }
                continue;
            }
            Transpose(ref source, depthStride, columnStride, depth, filled, panelColumns, ref panel);
            PadWithZeros(depth, filled, panelColumns, ref panel);
        }
    }

    /// <summary>
    /// Rows [<paramref name="first"/>, <paramref name="first"/> + <paramref name="count"/>) of the
    /// column-major rows × columns <paramref name="from"/> written into <paramref name="to"/> as columns
    /// of the column-major columns × rows transpose (to[r·columns + c] = from[c·rows + r]: one contiguous
    /// block of <paramref name="to"/>), four columns at a time in registers: a fused step's parameters
    /// between a state's layout and its own.
    /// </summary>
    public static void TransposeRows(double[] from, double[] to, int rows, int columns, int first, int count)
    {
        if ((long)rows * columns > from.Length || (long)rows * columns > to.Length || first < 0 || count < 0 || first + count > rows)
            throw new ArgumentException("the rows are not within both arrays");
        if (count == 0 || columns == 0) return;
        // Eight rows of the transpose at a time, all their columns: each run of four columns then
        // writes eight lines of it, one after another, which the next run finishes while they are still
        // in L1. All rows at once wrote a line of every row per run, and when a row's length is a power
        // of two (256 or 512 units) those lines fall into a few cache sets and evict each other:
        // 784 × 256 took 396 µs this way, 49 µs in eights (hot, one thread; 1000 × 1000: 360 and 433 µs).
        const int TileRows = 8;
        for (var row = first; row < first + count; row += TileRows)
            Transpose(ref from[row], 1, rows, Math.Min(TileRows, first + count - row), columns, columns, ref to[row * columns]);
    }

    /// <summary>The general case: packed[p·width + l] = source[p·depthStride + l·laneStride] for the <paramref name="filled"/> lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Transpose(ref double source, nint depthStride, nint laneStride, int depth, int filled, int width, ref double packed)
    {
        nint lane = 0;
        // k contiguous in memory (δᵀ, or X read as B): transpose 4×4 blocks in registers.
        if (depthStride == 1 && Avx.IsSupported)
        {
            for (; lane + 4 <= filled; lane += 4)
                TransposeFourLanes(ref Unsafe.Add(ref source, lane * laneStride), laneStride, depth, width, ref Unsafe.Add(ref packed, lane));
            // A six-column panel of B leaves two lanes: 2×2 blocks.
            if (lane + 2 <= filled)
            {
                TransposeTwoLanes(ref Unsafe.Add(ref source, lane * laneStride), laneStride, depth, width, ref Unsafe.Add(ref packed, lane));
                lane += 2;
            }
        }
        for (; lane < filled; lane++)
        {
            ref var line = ref Unsafe.Add(ref source, lane * laneStride);
            for (nint p = 0; p < depth; p++)
                Unsafe.Add(ref packed, p * width + lane) = Unsafe.Add(ref line, p * depthStride);
        }
    }

    /// <summary>+0.0 in lanes [<paramref name="filled"/>, <paramref name="width"/>) of every k of a panel: the edge's padding.</summary>
    private static void PadWithZeros(int depth, int filled, int width, ref double packed)
    {
        if (filled == width) return;
        for (nint p = 0; p < depth; p++)
            for (nint l = filled; l < width; l++)
                Unsafe.Add(ref packed, p * width + l) = 0.0;
    }

    /// <summary>Two lanes whose k values are contiguous: packed[p·width + l] = source[p + l·laneStride] for l &lt; 2.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void TransposeTwoLanes(ref double source, nint laneStride, int depth, int width, ref double packed)
    {
        ref var s1 = ref Unsafe.Add(ref source, laneStride);
        nint p = 0;
        for (; p + 2 <= depth; p += 2)
        {
            var r0 = Vector128.LoadUnsafe(ref source, (nuint)p);
            var r1 = Vector128.LoadUnsafe(ref s1, (nuint)p);
            ref var row = ref Unsafe.Add(ref packed, p * width);
            Sse2.UnpackLow(r0, r1).StoreUnsafe(ref row);
            Sse2.UnpackHigh(r0, r1).StoreUnsafe(ref Unsafe.Add(ref row, width));
        }
        if (p < depth)
        {
            ref var row = ref Unsafe.Add(ref packed, p * width);
            row = Unsafe.Add(ref source, p);
            Unsafe.Add(ref row, 1) = Unsafe.Add(ref s1, p);
        }
    }

    /// <summary>Four lanes whose k values are contiguous: packed[p·width + l] = source[p + l·laneStride] for l &lt; 4.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void TransposeFourLanes(ref double source, nint laneStride, int depth, int width, ref double packed)
    {
        ref var s1 = ref Unsafe.Add(ref source, laneStride);
        ref var s2 = ref Unsafe.Add(ref source, 2 * laneStride);
        ref var s3 = ref Unsafe.Add(ref source, 3 * laneStride);
        nint p = 0;
        for (; p + 4 <= depth; p += 4)
        {
            var r0 = Vector256.LoadUnsafe(ref source, (nuint)p);
            var r1 = Vector256.LoadUnsafe(ref s1, (nuint)p);
            var r2 = Vector256.LoadUnsafe(ref s2, (nuint)p);
            var r3 = Vector256.LoadUnsafe(ref s3, (nuint)p);
            var t0 = Avx.UnpackLow(r0, r1);
            var t1 = Avx.UnpackHigh(r0, r1);
            var t2 = Avx.UnpackLow(r2, r3);
            var t3 = Avx.UnpackHigh(r2, r3);
            ref var row = ref Unsafe.Add(ref packed, p * width);
            Avx.Permute2x128(t0, t2, 0x20).StoreUnsafe(ref row);
            Avx.Permute2x128(t1, t3, 0x20).StoreUnsafe(ref Unsafe.Add(ref row, width));
            Avx.Permute2x128(t0, t2, 0x31).StoreUnsafe(ref Unsafe.Add(ref row, 2 * width));
            Avx.Permute2x128(t1, t3, 0x31).StoreUnsafe(ref Unsafe.Add(ref row, 3 * width));
        }
        for (; p < depth; p++)
        {
            ref var row = ref Unsafe.Add(ref packed, p * width);
            row = Unsafe.Add(ref source, p);
            Unsafe.Add(ref row, 1) = Unsafe.Add(ref s1, p);
            Unsafe.Add(ref row, 2) = Unsafe.Add(ref s2, p);
            Unsafe.Add(ref row, 3) = Unsafe.Add(ref s3, p);
        }
    }
}
