namespace Backprop.Functional.Numerics.Gemm;

/// <summary>
/// The threads one product may use and each one's packing buffers: worker 0 is the calling
/// thread, workers 1, 2, … the helpers <see cref="ParallelProduct{TLanes}"/> wakes. A
/// product uses them alone while it runs (its owner, a <see cref="ComputeContext"/> or one call,
/// lends them to one computation at a time), so a buffer is never shared by two threads at once.
/// </summary>
internal sealed class GemmWorkers
{
    private readonly PackingBuffers?[] buffers;

    /// <summary>Room for <paramref name="threads"/> workers; each one's buffers are made when it first packs.</summary>
    public GemmWorkers(int threads)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        buffers = new PackingBuffers?[threads];
    }

    /// <summary>The most threads one product may use (at least 1).</summary>
    public int Threads => buffers.Length;

    /// <summary>Worker <paramref name="worker"/>'s buffers (0 ≤ worker &lt; <see cref="Threads"/>).</summary>
    public PackingBuffers Buffers(int worker) => buffers[worker] ??= new PackingBuffers();
}
