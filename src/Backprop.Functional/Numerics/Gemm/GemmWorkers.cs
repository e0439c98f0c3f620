namespace Backprop.Functional.Numerics.Gemm;

/// <summary>
/// The threads one product may use and each one's packing buffers: worker 0 is the calling
/// thread, workers 1, 2, … the helpers of its <see cref="Crew"/>. A
/// product uses them alone while it runs (its owner, a <see cref="ComputeContext"/> or one call,
/// lends them to one computation at a time), so a buffer is never shared by two threads at once.
/// </summary>
internal sealed class GemmWorkers
{
    private readonly PackingBuffers?[] buffers;
    private readonly int first;
    private readonly GemmWorkers?[] members;

    /// <summary>Room for <paramref name="threads"/> workers; each one's buffers are made when it first packs, its helpers when it first forks.</summary>
    public GemmWorkers(int threads, TimeSpan? helperIdleLife = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        (buffers, first, Threads, members) = (new PackingBuffers?[threads], 0, threads, new GemmWorkers?[threads]);
        Crew = threads > 1 ? new Crew(threads - 1, helperIdleLife) : null;
    }

    /// <summary>The helper threads of a product or step on several threads (none for one thread or a member).</summary>
    public Crew? Crew { get; }

    /// <summary>Lets the helper threads end (a later fork runs on the calling thread alone).</summary>
    public void Close() => Crew?.Close();

    private GemmWorkers(PackingBuffers?[] buffers, int worker) => (this.buffers, first, Threads, members) = (buffers, worker, 1, []);

    /// <summary>The most threads one product may use (at least 1).</summary>
    public int Threads { get; }

    /// <summary>Worker <paramref name="worker"/>'s buffers (0 ≤ worker &lt; <see cref="Threads"/>).</summary>
    public PackingBuffers Buffers(int worker) => buffers[first + worker] ??= new PackingBuffers();

    /// <summary>
    /// Worker <paramref name="worker"/> alone: one thread with that worker's buffers, for a thread of
    /// a parallel training step (<see cref="ForkJoin"/>) that computes its own part of a product.
    /// </summary>
    public GemmWorkers Member(int worker) => members[worker] ??= new GemmWorkers(buffers, first + worker);
}
