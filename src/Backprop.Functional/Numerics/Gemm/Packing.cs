using System.Runtime.CompilerServices;

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
    public static void Rows<TLanes, TVector>(MatrixView a, int rowStart, int rows, int depthStart, int depth, ref double destination)
        where TLanes : struct, ILanes<TVector>
        where TVector : struct
    {
        var panelRows = MicroKernel.Rows<TLanes, TVector>();
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
        }
    }

    /// <summary>Packs B[depthStart .. depthStart+depth, columnStart .. columnStart+columns]; panel p starts at p·Columns·depth.</summary>
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
        }
    }

    /// <summary>
    /// The general case: packed[p·width + l] = source[p·depthStride + l·laneStride] for the
    /// <paramref name="filled"/> lanes, +0.0 for the rest of the width.
    /// </summary>
    private static void Transpose(ref double source, nint depthStride, nint laneStride, int depth, int filled, int width, ref double packed)
    {
        for (nint lane = 0; lane < filled; lane++)
        {
            ref var line = ref Unsafe.Add(ref source, lane * laneStride);
            for (nint p = 0; p < depth; p++)
                Unsafe.Add(ref packed, p * width + lane) = Unsafe.Add(ref line, p * depthStride);
        }
        if (filled == width) return;
        for (nint p = 0; p < depth; p++)
            for (nint lane = filled; lane < width; lane++)
                Unsafe.Add(ref packed, p * width + lane) = 0.0;
    }
}
