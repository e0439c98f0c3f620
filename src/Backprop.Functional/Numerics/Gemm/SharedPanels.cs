using System.Runtime.CompilerServices;

namespace Backprop.Functional.Numerics.Gemm;

/// <summary>
/// A's packed panels made once for the parts of a split pass that each multiply the same A by
/// their own columns of B (a split layer's X·Wᵀ, δᵀ·X or δ·W). Packed by each part for itself,
/// A was copied once per thread: on funnel 512-256-128-10 b256, 0.33 M of the 1.1 M values a
/// step packs. Here A is cut into its k and row blocks, the blocks <see cref="BlockedProduct"/>
/// packs, and every part that reaches <see cref="Complete{TLanes}"/> packs blocks no one has
/// claimed yet, then waits only for blocks another part is packing right now: a part never waits
/// for a thread that has not started, so one thread running every part still finishes. The
/// copies hold the same values, so the products keep their bits.
/// </summary>
internal sealed class SharedPanels
{
    private readonly PackingBuffers room = new();
    private MatrixView a;
    private int tileRows;
    private int rowBlocks;
    private int blocks;
    private int claimed;
    private int finished;

    /// <summary>
    /// Readies the panels of <paramref name="operand"/> for one pass (call before the fork; no part
    /// may still use the panels of the last one). False, and nothing shared, when the product reads A in place anyway.
    /// </summary>
    public bool Prepare<TLanes>(MatrixView operand)
        where TLanes : struct, ILanes<TLanes>
    {
        if (BlockedProduct.ReadsRowsInPlace(operand, operand.Rows))
        {
            Release();
            return false;
        }
        (a, tileRows) = (operand, MicroKernel.Rows<TLanes>());
        rowBlocks = (operand.Rows + BlockedProduct.RowBlock - 1) / BlockedProduct.RowBlock;
        blocks = rowBlocks * BlockedProduct.DepthBlocking(operand.Columns).Blocks;
        (claimed, finished) = (0, 0);
        // Grown here, on one thread, so that no part ever grows it while another reads it.
        room.Rows(BlockedProduct.RoundUp(operand.Rows, tileRows) * operand.Columns);
        return true;
    }

    /// <summary>Lets the panels go: they hold no operand until the next <see cref="Prepare{TLanes}"/>.</summary>
    public void Release() => (a, blocks) = (default, 0);

    /// <summary>Whether these are the panels of the whole of <paramref name="operand"/>, cut for <typeparamref name="TLanes"/>.</summary>
    public bool Hold<TLanes>(MatrixView operand)
        where TLanes : struct, ILanes<TLanes> =>
        operand == a && tileRows == MicroKernel.Rows<TLanes>();

    /// <summary>Packs the blocks no part has claimed, then waits until the blocks others claimed are packed.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Complete<TLanes>()
        where TLanes : struct, ILanes<TLanes>
    {
        int block;
        while ((block = Interlocked.Increment(ref claimed) - 1) < blocks)
        {
            try
            {
                var (rowStart, depthStart, depth) = Locate(block);
                Packing.Rows<TLanes>(a, rowStart, Math.Min(BlockedProduct.RowBlock, a.Rows - rowStart), depthStart, depth, ref Block(rowStart, depthStart, depth));
            }
            finally
            {
                Interlocked.Increment(ref finished);
            }
        }
        var wait = default(SpinWait);
        while (Volatile.Read(ref finished) < blocks) wait.SpinOnce(sleep1Threshold: -1);
    }

    /// <summary>The packed block of A's rows from <paramref name="rowStart"/> (a multiple of <see cref="BlockedProduct.RowBlock"/>) and its k block from <paramref name="depthStart"/>, <paramref name="depth"/> deep.</summary>
    public ref double Block(int rowStart, int depthStart, int depth) =>
        // k blocks one after the other, each with its row blocks in order; a row block before the last is whole tiles.
        ref Unsafe.Add(ref room.Rows(0), (nint)BlockedProduct.RoundUp(a.Rows, tileRows) * depthStart + (nint)rowStart * depth);

    private (int RowStart, int DepthStart, int Depth) Locate(int block)
    {
        var blockDepth = BlockedProduct.DepthBlocking(a.Columns).Depth;
        var depthStart = block / rowBlocks * blockDepth;
        return ((block % rowBlocks) * BlockedProduct.RowBlock, depthStart, Math.Min(blockDepth, a.Columns - depthStart));
    }
}
