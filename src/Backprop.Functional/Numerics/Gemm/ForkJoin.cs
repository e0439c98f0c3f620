namespace Backprop.Functional.Numerics.Gemm;

/// <summary>
/// Work cut into parts that the calling thread and up to <c>threads − 1</c> helper threads (the
/// workers' <see cref="Crew"/>) claim one at a time, each computing on its own member of the workers
/// (<see cref="GemmWorkers.Member"/>): the strips of one product (<see cref="ParallelProduct{TLanes}"/>),
/// or a layer's columns in one pass of a fused training step. A part writes output elements that
/// no other part writes, with the operations one thread would use for them, so the split never
/// shows in the result. The caller does not wait for a helper to wake: if it finishes every part
/// itself, a late helper finds nothing left and returns without touching any buffer.
/// </summary>
internal sealed class ForkJoin
{
    private readonly Action<int, GemmWorkers> part;
    private readonly int parts;
    private readonly GemmWorkers workers;
    private readonly ManualResetEventSlim allFinished = new(false, spinCount: 100);
    private int claimed;
    private int helpersWorking;
    private int finished;
    private Exception? failure;

    private ForkJoin(int parts, GemmWorkers workers, Action<int, GemmWorkers> part) => (this.parts, this.workers, this.part) = (parts, workers, part);

    /// <summary>Runs <paramref name="part"/>(p, worker) for every p below <paramref name="parts"/>, on up to <paramref name="workers"/>' threads.</summary>
    public static void Run(int parts, GemmWorkers workers, Action<int, GemmWorkers> part)
    {
        if (parts == 1 || workers.Threads == 1)
        {
            // One part may use every worker for its products; several on one thread take member 0 each in turn.
            for (var p = 0; p < parts; p++) part(p, parts == 1 ? workers : workers.Member(0));
            return;
        }
        var phase = new ForkJoin(parts, workers, part);
        workers.Crew!.Post(phase);
        phase.Work(worker: 0);
        // Not disposed: the thread that set it may still be inside Set; the GC reclaims it.
        phase.allFinished.Wait();
        if (phase.failure is { } failure) throw new AggregateException(failure);
    }

    /// <summary>A helper's share: claims and runs parts until none is left.</summary>
    public void Execute() => Work(worker: null);

    private void Work(int? worker)
    {
        GemmWorkers? member = null;
        int p;
        while ((p = Interlocked.Increment(ref claimed) - 1) < parts)
        {
            try
            {
                // Only a helper that holds a part draws a worker: one that wakes after the last part
                // was claimed may run after Run returned, when the buffers serve other work.
                // The crew has threads − 1 helpers and each runs a job at most once, so helpers draw 1 … threads − 1.
                member ??= workers.Member(worker ?? Interlocked.Increment(ref helpersWorking));
                part(p, member);
            }
            catch (Exception e)
            {
                Interlocked.CompareExchange(ref failure, e, null);
            }
            finally
            {
                if (Interlocked.Increment(ref finished) == parts) allFinished.Set();
            }
        }
    }

    /// <summary>Part <paramref name="part"/> of <paramref name="parts"/> of <paramref name="count"/> columns (or tensor elements): boundaries at multiples of eight, so that tiles and vectors stay whole.</summary>
    public static (int Start, int Count) Slice(int count, int parts, int part)
    {
        int Boundary(int p) => p == parts ? count : (int)((long)count * p / parts) & ~7;
        var (start, end) = (Boundary(part), Boundary(part + 1));
        return (start, Math.Max(0, end - start));
    }
}
