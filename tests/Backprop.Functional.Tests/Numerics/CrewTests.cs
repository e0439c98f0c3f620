using Backprop.Functional.Numerics.Gemm;

namespace Backprop.Functional.Tests.Numerics;

/// <summary>
/// The helper threads behind a fork: every part runs exactly once, a helper really takes parts,
/// and no helper outlives its context (closed, or idle for long enough).
/// </summary>
public sealed class CrewTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Fact]
    public void A_helper_runs_a_part_while_the_caller_waits_in_another()
    {
        var workers = new GemmWorkers(2);
        using var secondPartRan = new ManualResetEventSlim();
        var ranInTime = true;
        // Whoever takes part 0 waits for part 1: the caller alone would wait out the patience.
        ForkJoin.Run(2, workers, (part, _) =>
        {
            if (part == 0) ranInTime = secondPartRan.Wait(Patience);
            else secondPartRan.Set();
        });
        Assert.True(ranInTime, "no helper took the second part");
        workers.Close();
    }

    [Fact]
    public void Every_part_runs_exactly_once_on_every_thread_count()
    {
        foreach (var threads in new[] { 1, 2, 3, 5 })
        {
            var workers = new GemmWorkers(threads);
            for (var round = 0; round < 200; round++)
            {
                var parts = 1 + round % 9;
                var runs = new int[parts];
                ForkJoin.Run(parts, workers, (part, _) => Interlocked.Increment(ref runs[part]));
                Assert.All(runs, count => Assert.Equal(1, count));
            }
            workers.Close();
        }
    }

    [Fact]
    public void Each_helper_works_on_its_own_member_buffers()
    {
        var workers = new GemmWorkers(3);
        for (var round = 0; round < 100; round++)
        {
            var owners = new System.Collections.Concurrent.ConcurrentDictionary<GemmWorkers, int>();
            ForkJoin.Run(12, workers, (_, member) =>
            {
                var thread = Environment.CurrentManagedThreadId;
                // A member is one worker's: never used by two threads in one fork.
                Assert.Equal(thread, owners.GetOrAdd(member, thread));
                Thread.SpinWait(200);
            });
        }
        workers.Close();
    }

    [Fact]
    public void Closing_ends_the_helpers_and_later_forks_run_on_the_caller()
    {
        var workers = new GemmWorkers(3);
        ForkJoin.Run(4, workers, (_, _) => Thread.SpinWait(1000));
        Assert.True(workers.Crew!.Running > 0);
        workers.Close();
        Assert.True(SpinWait.SpinUntil(() => workers.Crew.Running == 0, Patience), "helpers still running after Close");
        var caller = Environment.CurrentManagedThreadId;
        var threads = new System.Collections.Concurrent.ConcurrentBag<int>();
        ForkJoin.Run(6, workers, (_, _) => threads.Add(Environment.CurrentManagedThreadId));
        Assert.Equal(6, threads.Count);
        Assert.All(threads, thread => Assert.Equal(caller, thread));
    }

    [Fact]
    public void An_idle_helper_ends_and_the_next_fork_starts_it_again()
    {
        var workers = new GemmWorkers(2, helperIdleLife: TimeSpan.FromMilliseconds(20));
        ForkJoin.Run(2, workers, (_, _) => Thread.SpinWait(1000));
        Assert.True(SpinWait.SpinUntil(() => workers.Crew!.Running == 0, Patience), "an idle helper did not end");
        var runs = new int[4];
        ForkJoin.Run(4, workers, (part, _) => Interlocked.Increment(ref runs[part]));
        Assert.All(runs, count => Assert.Equal(1, count));
        Assert.Equal(1, workers.Crew!.Running);
        workers.Close();
    }

    [Fact]
    public void Disposing_a_context_ends_its_helpers()
    {
        var compute = new ComputeContext(2);
        var a = MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.Dense(300, 300, (i, j) => i - j);
        Backprop.Functional.Numerics.MatrixProduct.Multiply(a, a, compute);
        var scratch = compute.Borrow();
        var crew = scratch.Products.Crew!;
        compute.Return(scratch);
        Assert.Equal(1, crew.Running);
        compute.Dispose();
        Assert.True(SpinWait.SpinUntil(() => crew.Running == 0, Patience), "a disposed context's helper is still running");
    }

    [Fact]
    public void A_part_that_throws_fails_the_fork_after_every_other_part_ran()
    {
        var workers = new GemmWorkers(2);
        var runs = new int[5];
        var failure = Assert.Throws<AggregateException>(() => ForkJoin.Run(5, workers, (part, _) =>
        {
            Interlocked.Increment(ref runs[part]);
            if (part == 2) throw new InvalidOperationException("part 2");
        }));
        Assert.Equal("part 2", failure.InnerException!.Message);
        Assert.All(runs, count => Assert.Equal(1, count));
        workers.Close();
    }
}
