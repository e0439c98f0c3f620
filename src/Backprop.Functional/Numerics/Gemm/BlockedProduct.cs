using System.Runtime.CompilerServices;

namespace Backprop.Functional.Numerics.Gemm;

/// <summary>
/// The general product, blocked for the caches in the usual (Goto/BLIS) way: a block of B is
/// packed once and stays in cache while blocks of A stream past it, and the micro-kernel walks
/// both packed blocks. Splitting k into blocks keeps each element's chain intact: the second
/// block loads the sum the first one stored and goes on fusing in k order.
/// </summary>
internal static class BlockedProduct
{
    // Depth of one k block: a packed B micro-panel (DepthBlock × 6) stays within L1.
    private const int DepthBlock = 256;
    // Rows of one A block: RowBlock × DepthBlock doubles (256 KiB) stay within L2.
    private const int RowBlock = 128;
    // Columns of one B block; a multiple of MicroKernel.Columns.
    private const int ColumnBlock = 768;
    // The largest tile any vector width needs (8 lanes × 2 vectors × 6 columns).
    private const int LargestTile = 16 * MicroKernel.Columns;

    /// <summary>Computes the outputs (i, j) with i in [rowStart, rowEnd) and j in [columnStart, columnEnd).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run<TLanes, TVector>(MatrixView a, MatrixView b, Output c, int rowStart, int rowEnd, int columnStart, int columnEnd)
        where TLanes : struct, ILanes<TVector>
        where TVector : struct
    {
        var tileRows = MicroKernel.Rows<TLanes, TVector>();
        const int tileColumns = MicroKernel.Columns;
        var depth = a.Columns;
        var depthBlocks = (depth + DepthBlock - 1) / DepthBlock;
        // Equal k blocks rather than full ones and a sliver.
        var blockDepth = (depth + depthBlocks - 1) / depthBlocks;
        var buffers = PackingBuffers.Current;
        ref var packedA = ref buffers.Rows(RoundUp(Math.Min(RowBlock, rowEnd - rowStart), tileRows) * blockDepth);
        ref var packedB = ref buffers.Columns(RoundUp(Math.Min(ColumnBlock, columnEnd - columnStart), tileColumns) * blockDepth);
        Span<double> edgeTile = stackalloc double[LargestTile];

        for (var jc = columnStart; jc < columnEnd; jc += ColumnBlock)
        {
            var columns = Math.Min(ColumnBlock, columnEnd - jc);
            for (var pc = 0; pc < depth; pc += blockDepth)
            {
                var kc = Math.Min(blockDepth, depth - pc);
                var continueChains = pc > 0;
                Packing.Columns(b, pc, kc, jc, columns, ref packedB);
                for (var ic = rowStart; ic < rowEnd; ic += RowBlock)
                {
                    var rows = Math.Min(RowBlock, rowEnd - ic);
                    Packing.Rows<TLanes, TVector>(a, ic, rows, pc, kc, ref packedA);
                    for (var jr = 0; jr < columns; jr += tileColumns)
                    {
                        ref var panelB = ref Unsafe.Add(ref packedB, (nint)jr * kc);
                        var filledColumns = Math.Min(tileColumns, columns - jr);
                        for (var ir = 0; ir < rows; ir += tileRows)
                        {
                            ref var panelA = ref Unsafe.Add(ref packedA, (nint)ir * kc);
                            var filledRows = Math.Min(tileRows, rows - ir);
                            if (filledRows == tileRows && filledColumns == tileColumns && c.RowStride == 1)
                            {
                                MicroKernel.Run<TLanes, TVector>(kc, ref panelA, ref panelB, ref c.At(ic + ir, jc + jr), c.ColumnStride, continueChains);
                                continue;
                            }
                            RunEdge<TLanes, TVector>(kc, ref panelA, ref panelB, c, ic + ir, jc + jr, filledRows, filledColumns, continueChains, edgeTile);
                        }
                    }
                }
            }
        }
    }

    /// <summary>A partial tile, or one whose rows are not contiguous in C: computed in a scratch tile, then copied.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RunEdge<TLanes, TVector>(int depth, ref double panelA, ref double panelB, Output c, int row, int column, int rows, int columns, bool continueChains, Span<double> tile)
        where TLanes : struct, ILanes<TVector>
        where TVector : struct
    {
        var tileRows = MicroKernel.Rows<TLanes, TVector>();
        if (continueChains) Copy(c, row, column, rows, columns, tile, tileRows, toTile: true);
        MicroKernel.Run<TLanes, TVector>(depth, ref panelA, ref panelB, ref tile[0], tileRows, continueChains);
        Copy(c, row, column, rows, columns, tile, tileRows, toTile: false);
    }

    /// <summary>Moves the valid part of a tile between C and the scratch tile, walking C contiguously.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Copy(Output c, int row, int column, int rows, int columns, Span<double> tile, int tileRows, bool toTile)
    {
        // A transposed C (lanes along its rows) is contiguous along j, a plain one along i.
        if (c.ColumnStride == 1)
        {
            for (var i = 0; i < rows; i++)
                for (var j = 0; j < columns; j++)
                    Move(ref c.At(row + i, column + j), ref tile[j * tileRows + i], toTile);
            return;
        }
        for (var j = 0; j < columns; j++)
            for (var i = 0; i < rows; i++)
                Move(ref c.At(row + i, column + j), ref tile[j * tileRows + i], toTile);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Move(ref double element, ref double scratch, bool toTile)
    {
        if (toTile) scratch = element;
        else element = scratch;
    }

    private static int RoundUp(int value, int multiple) => (value + multiple - 1) / multiple * multiple;
}
