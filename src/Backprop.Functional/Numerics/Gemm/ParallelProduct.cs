namespace Backprop.Functional.Numerics.Gemm;

/// <summary>
/// One blocked product cut into strips of output (whole tiles each) that the threads claim one
/// at a time (<see cref="ForkJoin"/>), each packing into its own worker's buffers. Every output
/// element belongs to exactly one strip and is computed there by the same chain as on one
/// thread, so the split never shows in the result.
/// </summary>
internal static class ParallelProduct<TLanes>
    where TLanes : struct, ILanes<TLanes>
{
    /// <summary>Computes a·b into c with up to <see cref="GemmWorkers.Threads"/> threads, the caller being worker 0.</summary>
    public static void Run(MatrixView a, MatrixView b, Output c, GemmWorkers workers)
    {
        var threads = workers.Threads;
        var (rows, columns) = (a.Rows, b.Columns);
        var tileRows = MicroKernel.Rows<TLanes>();
        const int tileColumns = MicroKernel.Columns;
        // A few strips per thread so that a thread slowed by other work on the machine
        // is made up for by the others; strips of whole tiles so that no tile is cut.
        var wanted = 4 * threads;
        var stripsAreColumns = columns / tileColumns >= rows / tileRows;
        var stripWidth = stripsAreColumns
            ? Math.Max(tileColumns, (columns + wanted * tileColumns - 1) / (wanted * tileColumns) * tileColumns)
            : Math.Max(tileRows, (rows + wanted * tileRows - 1) / (wanted * tileRows) * tileRows);
        var strips = ((stripsAreColumns ? columns : rows) + stripWidth - 1) / stripWidth;
        ForkJoin.Run(strips, workers, (strip, member) =>
        {
            var start = strip * stripWidth;
            if (stripsAreColumns)
                BlockedProduct.Run<TLanes>(a, b, c, 0, rows, start, Math.Min(columns, start + stripWidth), member.Buffers(0));
            else
                BlockedProduct.Run<TLanes>(a, b, c, start, Math.Min(rows, start + stripWidth), 0, columns, member.Buffers(0));
        });
    }
}
