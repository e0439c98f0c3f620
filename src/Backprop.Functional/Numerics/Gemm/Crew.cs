using System.Diagnostics;

namespace Backprop.Functional.Numerics.Gemm;

/// <summary>
/// The helper threads of one <see cref="GemmWorkers"/>: threads of their own that, after a
/// <see cref="ForkJoin"/>, keep watching for the next one for a short while before they sleep.
/// </summary>
/// <remarks>
/// Why not the thread pool: a training step forks and joins once per layer and pass, a few
/// hundred microseconds apart on mid-sized networks, and a pool thread woken for each fork came
/// late often enough that the caller had done most parts itself (the 512-256-128-10 network at
/// batch 256 ran no faster on two threads than on one). A helper that is already watching takes
/// its part within a microsecond. A helper sleeps after <see cref="WatchFor"/> without work and
/// ends after <see cref="IdleLife"/> asleep (by default), so a context nobody disposed of leaves no thread
/// behind; the next fork starts it again. A fork never waits for a helper: the caller claims
/// parts too, so a helper that is late, asleep or gone only costs speed, never a result.
/// </remarks>
internal sealed class Crew(int helpers, TimeSpan? idleLife = null)
{
    /// <summary>How long a helper keeps watching after its last part: longer than the serial work between two forks of a step.</summary>
    internal static readonly TimeSpan WatchFor = TimeSpan.FromMicroseconds(300);

    /// <summary>How long a sleeping helper waits for work before its thread ends, unless the crew says otherwise.</summary>
    internal static readonly TimeSpan IdleLife = TimeSpan.FromSeconds(2);

    private readonly TimeSpan idleLife = idleLife ?? IdleLife;

    private readonly Lock gate = new();
    private readonly SemaphoreSlim wake = new(0);
    private ForkJoin? posted;
    private long generation;
    private int sleepers;
    private int running;
    private volatile bool closed;

    /// <summary>Helper threads alive now (running, watching or asleep).</summary>
    public int Running => Volatile.Read(ref running);

    /// <summary>Helper threads asleep now: idle past <see cref="WatchFor"/>, they wait without using a core.</summary>
    public int Sleeping => Volatile.Read(ref sleepers);

    /// <summary>Hands <paramref name="job"/> to the helpers (starting any that are not running) without waiting for them.</summary>
    public void Post(ForkJoin job)
    {
        if (closed) return;
        Volatile.Write(ref posted, job);
        Interlocked.Increment(ref generation);
        if (Volatile.Read(ref running) < helpers) StartMissing();
        var asleep = Volatile.Read(ref sleepers);
        if (asleep > 0) wake.Release(asleep);
    }

    /// <summary>Lets every helper end; later posts are ignored (their callers do all parts themselves).</summary>
    public void Close()
    {
        closed = true;
        lock (gate) wake.Release(helpers);
    }

    private void StartMissing()
    {
        lock (gate)
        {
            for (; running < helpers; running++)
                new Thread(Watch) { IsBackground = true, Name = "backprop helper" }.Start();
        }
    }

    /// <summary>A helper's life: run each posted job once, watch between jobs, sleep when idle, end when idle long enough.</summary>
    private void Watch()
    {
        ForkJoin? last = null;
        var seen = Volatile.Read(ref generation) - 1;
        while (!closed)
        {
            if (Volatile.Read(ref generation) != seen || Watched(seen))
            {
                seen = Volatile.Read(ref generation);
                var job = Volatile.Read(ref posted);
                // Each job at most once per helper: a helper's index in the job counts on it.
                if (job is not null && !ReferenceEquals(job, last)) job.Execute();
                last = job;
                continue;
            }
            Interlocked.Increment(ref sleepers);
            var woken = Volatile.Read(ref generation) != seen || wake.Wait(idleLife);
            Interlocked.Decrement(ref sleepers);
            if (woken || closed) continue;
            lock (gate)
            {
                if (Volatile.Read(ref generation) != seen) continue;
                running--;
                return;
            }
        }
        lock (gate) running--;
    }

    /// <summary>Spins until the generation moves past <paramref name="seen"/> (true) or <see cref="WatchFor"/> passes (false).</summary>
    private bool Watched(long seen)
    {
        var until = Stopwatch.GetTimestamp() + (long)(WatchFor.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < until)
        {
            for (var i = 0; i < 64; i++)
            {
                if (Volatile.Read(ref generation) != seen) return true;
                Thread.SpinWait(4);
            }
        }
        return false;
    }
}
