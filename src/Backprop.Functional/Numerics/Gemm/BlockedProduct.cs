using System.Runtime.CompilerServices;

namespace Backprop.Functional.Numerics.Gemm;

/// <summary>
/// The general product, blocked for the caches in the usual (Goto/BLIS) way: a block of B is
/// packed once and stays in cache while blocks of A stream past it, and the micro-kernel walks
/// both packed blocks. Splitting k into blocks keeps each element's chain intact: the second
/// block loads the sum the first one stored and goes on fusing in k order. An operand that is
/// small and already laid out the way the micro-kernel reads it (A's columns or B's rows
/// contiguous, as in a training step's X·Wᵀ and δ·W) is read in place instead of copied; only
/// its partial edge panel is packed, to be padded with zeros.
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
    // Operands up to this many doubles (128 KiB) stay in L2, where reading them in place costs no more than reading a packed copy.
    private const long DirectLimit = 1 << 14;

    /// <summary>Computes the outputs (i, j) with i in [rowStart, rowEnd) and j in [columnStart, columnEnd), packing into <paramref name="buffers"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run<TLanes>(MatrixView a, MatrixView b, Output c, int rowStart, int rowEnd, int columnStart, int columnEnd, PackingBuffers buffers)
        where TLanes : struct, ILanes<TLanes>
    {
        var tileRows = MicroKernel.Rows<TLanes>();
        const int tileColumns = MicroKernel.Columns;
        var depth = a.Columns;
        var depthBlocks = (depth + DepthBlock - 1) / DepthBlock;
        // Equal k blocks rather than full ones and a sliver.
        var blockDepth = (depth + depthBlocks - 1) / depthBlocks;
        ref var packedA = ref buffers.Rows(RoundUp(Math.Min(RowBlock, rowEnd - rowStart), tileRows) * blockDepth);
        ref var packedB = ref buffers.Columns(RoundUp(Math.Min(ColumnBlock, columnEnd - columnStart), tileColumns) * blockDepth);
        Span<double> edgeTile = stackalloc double[LargestTile];
        var directA = a.RowStride == 1 && (long)(rowEnd - rowStart) * depth <= DirectLimit;
        var directB = b.ColumnStride == 1 && (long)depth * (columnEnd - columnStart) <= DirectLimit;

        for (var jc = columnStart; jc < columnEnd; jc += ColumnBlock)
        {
            var columns = Math.Min(ColumnBlock, columnEnd - jc);
            var fullColumns = directB ? columns / tileColumns * tileColumns : 0;
            for (var pc = 0; pc < depth; pc += blockDepth)
            {
                var kc = Math.Min(blockDepth, depth - pc);
                var continueChains = pc > 0;
                if (fullColumns < columns) Packing.Columns(b, pc, kc, jc + fullColumns, columns - fullColumns, ref Unsafe.Add(ref packedB, (nint)fullColumns * kc));
                for (var ic = rowStart; ic < rowEnd; ic += RowBlock)
                {
                    var rows = Math.Min(RowBlock, rowEnd - ic);
                    var fullRows = directA ? rows / tileRows * tileRows : 0;
                    if (fullRows < rows) Packing.Rows<TLanes>(a, ic + fullRows, rows - fullRows, pc, kc, ref Unsafe.Add(ref packedA, (nint)fullRows * kc));
                    for (var jr = 0; jr < columns; jr += tileColumns)
                    {
                        var inPlaceB = jr < fullColumns;
                        ref var panelB = ref inPlaceB ? ref b.At(pc, jc + jr) : ref Unsafe.Add(ref packedB, (nint)jr * kc);
                        var strideB = inPlaceB ? b.RowStride : tileColumns;
                        var filledColumns = Math.Min(tileColumns, columns - jr);
                        for (var ir = 0; ir < rows; ir += tileRows)
                        {
                            var inPlaceA = ir < fullRows;
                            ref var panelA = ref inPlaceA ? ref a.At(ic + ir, pc) : ref Unsafe.Add(ref packedA, (nint)ir * kc);
                            var strideA = inPlaceA ? a.ColumnStride : tileRows;
                            var filledRows = Math.Min(tileRows, rows - ir);
                            if (filledRows == tileRows && filledColumns == tileColumns && c.RowStride == 1)
                            {
                                MicroKernel.Run<TLanes>(kc, ref panelA, strideA, ref panelB, strideB, ref c.At(ic + ir, jc + jr), c.ColumnStride, continueChains);
                                continue;
                            }
                            RunEdge<TLanes>(kc, ref panelA, strideA, ref panelB, strideB, c, ic + ir, jc + jr, filledRows, filledColumns, continueChains, edgeTile);
                        }
                    }
                }
            }
        }
    }

    /// <summary>A partial tile, or one whose rows are not contiguous in C: computed in a scratch tile, then copied.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RunEdge<TLanes>(int depth, ref double panelA, nint strideA, ref double panelB, nint strideB, Output c, int row, int column, int rows, int columns, bool continueChains, Span<double> tile)
        where TLanes : struct, ILanes<TLanes>
    {
        var tileRows = MicroKernel.Rows<TLanes>();
        if (continueChains) Copy(c, row, column, rows, columns, tile, tileRows, toTile: true);
        MicroKernel.Run<TLanes>(depth, ref panelA, strideA, ref panelB, strideB, ref tile[0], tileRows, continueChains);
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

    /// <summary>The smallest multiple of <paramref name="multiple"/> at least <paramref name="value"/>: a dimension padded to whole tiles.</summary>
    internal static int RoundUp(int value, int multiple) => (value + multiple - 1) / multiple * multiple;
}
