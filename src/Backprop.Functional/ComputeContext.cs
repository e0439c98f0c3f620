using Backprop.Functional.Numerics.Gemm;

namespace Backprop.Functional;

/// <summary>
/// How many threads the math may use, and the scratch space it reuses from call to call: the
/// fused training step's workspace (every layer's z and h, the δs, the gradients, an epoch's
/// gathered batches) and each worker thread's matrix packing buffers. Its owner (the shell, a
/// benchmark, a test) creates it, passes it to what computes (<see cref="Training.Epochs"/>,
/// <see cref="Training.Epoch"/>, <see cref="Training.Step"/>, <see cref="Numerics.MatrixProduct"/>,
/// <see cref="Forward.Run"/>, <see cref="Backward.Run"/>, <see cref="Evaluation.Of"/>, the run
/// protocol's replay, verify and resume) and disposes of it when done. Each of them takes it as
/// an optional last argument: without one it runs on the calling thread with scratch space of its
/// own, which is simpler and as exact, only slower when called often or on large data.
/// </summary>
/// <remarks>
/// A context never changes a result: every output element of a product is computed by exactly
/// one thread with the same fused multiply-add chain, and scratch space is written before it is
/// read, so every thread count and every history of the context give the same bits. A context
/// may be shared between threads: each call borrows the scratch space for as long as it runs,
/// and a call that finds it borrowed makes its own (correct, just without the reuse).
/// </remarks>
public sealed class ComputeContext : IDisposable
{
    private readonly TimeSpan? helperIdleLife;
    private Scratch? idle;
    private volatile bool disposed;

    /// <summary>A context whose products may use up to <paramref name="threads"/> threads.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="threads"/> is below 1.</exception>
    public ComputeContext(int threads)
        : this(threads, helperIdleLife: null)
    {
    }

    /// <summary>
    /// A context whose helper threads, once idle, end after <paramref name="helperIdleLife"/> (default
    /// <see cref="Crew.IdleLife"/>): tests set it long, so that only <see cref="Dispose"/> can end them.
    /// </summary>
    internal ComputeContext(int threads, TimeSpan? helperIdleLife)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        (Threads, this.helperIdleLife) = (threads, helperIdleLife);
        idle = new Scratch(threads, helperIdleLife);
    }

    /// <summary>
    /// The most threads one product (or one epoch's gathering of its batches) may use. Small
    /// products always run on the calling thread, because waking another thread costs more than
    /// they do. It never changes a result, only the speed.
    /// </summary>
    public int Threads { get; }

    /// <summary>Lets go of the scratch space and ends its helper threads; the context may not be used afterwards.</summary>
    public void Dispose()
    {
        disposed = true;
        Interlocked.Exchange(ref idle, null)?.Products.Close();
    }

    /// <summary>The scratch space for one computation: this context's if no other call holds it, else a new one. Give it back with <see cref="Return"/>.</summary>
    internal Scratch Borrow()
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        return Interlocked.Exchange(ref idle, null) ?? new Scratch(Threads, helperIdleLife);
    }

    /// <summary>Keeps <paramref name="scratch"/> for the next computation (unless the context was disposed of meanwhile).</summary>
    internal void Return(Scratch scratch)
    {
        // A scratch space this one replaces (a call that found the context's borrowed made it) is let go.
        if (disposed) scratch.Products.Close();
        else Interlocked.Exchange(ref idle, scratch)?.Products.Close();
    }

    /// <summary>The scratch space of a call without a context: one thread, nothing kept.</summary>
    internal static Scratch Fresh() => new(1, helperIdleLife: null);

    /// <summary>What one computation at a time reuses: the products' workers and the fused step's workspace.</summary>
    internal sealed class Scratch(int threads, TimeSpan? helperIdleLife)
    {
        /// <summary>The threads a product may use and their packing buffers.</summary>
        public GemmWorkers Products { get; } = new(threads, helperIdleLife);

        /// <summary>The last fused step's workspace, reused while the network's shape and the batch size allow.</summary>
        public StepWorkspace? Step { get; set; }
    }
}
