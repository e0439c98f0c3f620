namespace Backprop.Functional.Numerics.Gemm;

/// <summary>
/// One blocked product cut into strips of output (whole tiles each) that the calling thread
/// and up to <c>threads − 1</c> thread-pool threads claim one at a time, each packing into its
/// own worker's buffers (<see cref="GemmWorkers"/>). Every output element belongs to exactly one
/// strip and is computed there by the same chain as on one thread, so the split never shows in
/// the result. The caller does not wait for helpers to wake up: if it finishes every strip
/// itself, the late helpers find nothing left and return without touching any buffer.
/// </summary>
internal sealed class ParallelProduct<TLanes> : IThreadPoolWorkItem
    where TLanes : struct, ILanes<TLanes>
{
    private readonly MatrixView a;
    private readonly MatrixView b;
    private readonly Output c;
    private readonly GemmWorkers workers;
    private readonly bool stripsAreColumns;
    private readonly int stripWidth;
    private readonly int strips;
    private readonly ManualResetEventSlim allFinished = new(false, spinCount: 100);
    private int claimed;
    private int helpersWorking;
    private int finished;
    private Exception? failure;

    private ParallelProduct(MatrixView a, MatrixView b, Output c, GemmWorkers workers, bool stripsAreColumns, int stripWidth)
    {
        (this.a, this.b, this.c, this.workers, this.stripsAreColumns, this.stripWidth) = (a, b, c, workers, stripsAreColumns, stripWidth);
        var extent = stripsAreColumns ? b.Columns : a.Rows;
        strips = (extent + stripWidth - 1) / stripWidth;
    }

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
        var work = new ParallelProduct<TLanes>(a, b, c, workers, stripsAreColumns, stripWidth);
        var helpers = Math.Min(threads, work.strips) - 1;
        for (var h = 0; h < helpers; h++) ThreadPool.UnsafeQueueUserWorkItem(work, preferLocal: false);
        work.Work(worker: 0);
        // Spin briefly, then block: on a busy machine the helper may share this core, and a
        // caller that kept spinning would take the time the helper needs to finish its strip.
        // Not disposed: the thread that set it may still be inside Set; the GC reclaims it.
        work.allFinished.Wait();
        if (work.failure is { } failure) throw new AggregateException(failure);
    }

    /// <summary>A helper's share: claims and computes strips until none is left.</summary>
    public void Execute() => Work(worker: null);

    /// <summary>Claims and computes strips until none is left, packing into <paramref name="worker"/>'s buffers (a helper's number is drawn when it first has a strip).</summary>
    private void Work(int? worker)
    {
        PackingBuffers? buffers = null;
        int strip;
        while ((strip = Interlocked.Increment(ref claimed) - 1) < strips)
        {
            try
            {
                // Only a helper that holds a strip draws a worker: one that wakes after the last strip
                // was claimed may run after the product returned, when the buffers serve another product.
                // At most threads − 1 helpers are queued, so helpers draw 1 … threads − 1.
                buffers ??= workers.Buffers(worker ?? Interlocked.Increment(ref helpersWorking));
                var start = strip * stripWidth;
                if (stripsAreColumns)
                    BlockedProduct.Run<TLanes>(a, b, c, 0, a.Rows, start, Math.Min(b.Columns, start + stripWidth), buffers);
                else
                    BlockedProduct.Run<TLanes>(a, b, c, start, Math.Min(a.Rows, start + stripWidth), 0, b.Columns, buffers);
            }
            catch (Exception e)
            {
                Interlocked.CompareExchange(ref failure, e, null);
            }
            finally
            {
                if (Interlocked.Increment(ref finished) == strips) allFinished.Set();
            }
        }
    }
}
