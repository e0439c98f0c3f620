using Backprop.Functional.Numerics.Gemm;

namespace Backprop.Functional.Tests.Numerics;

/// <summary>
/// The helper threads behind a fork: every part runs exactly once, a helper really takes parts,
/// and no helper outlives its context (closed, or idle for long enough).
/// </summary>
public sealed class CrewTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    // Helpers that never end for being idle, so that only closing can end them.
    private static readonly TimeSpan Forever = TimeSpan.FromHours(1);

    [Fact]
    public void A_helper_runs_a_part_while_the_caller_waits_in_another()
    {
        var workers = new GemmWorkers(2);
        // The caller alone would wait out the patience.
        Assert.True(TwoThreadsMet(workers), "no helper took the second part");
        workers.Close();
    }

    /// <summary>A fork of two parts where whoever takes part 0 waits for part 1: true when another thread took it in time.</summary>
    private static bool TwoThreadsMet(GemmWorkers workers, Action<Thread>? eachThread = null)
    {
        using var secondPartRan = new ManualResetEventSlim();
        var ranInTime = true;
        ForkJoin.Run(2, workers, (part, _) =>
        {
            eachThread?.Invoke(Thread.CurrentThread);
            if (part == 0) ranInTime = secondPartRan.Wait(Patience);
            else secondPartRan.Set();
        });
        return ranInTime;
    }

    [Fact]
    public void A_sleeping_helper_is_woken_for_each_fork_and_lives_as_long_as_its_crew_says()
    {
        // Helpers that never end for being idle: one asleep is only ever woken by a fork.
        var workers = new GemmWorkers(2, helperIdleLife: Forever);
        for (var round = 0; round < 3; round++)
        {
            // An idle helper watches for a fork for a while, then sleeps rather than spin on.
            Assert.True(round == 0 || SpinWait.SpinUntil(() => workers.Crew!.Sleeping == 1, Patience), $"round {round}: the idle helper never slept");
            Assert.True(TwoThreadsMet(workers), $"round {round}: the sleeping helper was not woken");
        }
        Thread.Sleep(Crew.IdleLife + TimeSpan.FromMilliseconds(500));
        Assert.Equal(1, workers.Crew!.Running);
        Assert.True(TwoThreadsMet(workers), "the helper asleep past the default idle life was not woken");
        workers.Close();
    }

    [Fact]
    public void Helpers_are_background_threads_named_for_what_they_are()
    {
        var workers = new GemmWorkers(2);
        var caller = Thread.CurrentThread;
        var helpers = new System.Collections.Concurrent.ConcurrentBag<(bool Background, string? Name)>();
        Assert.True(TwoThreadsMet(workers, thread =>
        {
            if (thread != caller) helpers.Add((thread.IsBackground, thread.Name));
        }));
        // A helper left running must never keep the process from exiting.
        Assert.Equal((true, "backprop helper"), Assert.Single(helpers));
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
        // Nor does a fork after closing start a thread.
        Assert.Equal(0, workers.Crew.Running);
    }

    [Fact]
    public void An_idle_helper_ends_and_the_next_fork_starts_it_again()
    {
        // Long enough that the restarted helper is still there when counted right after the fork, on a busy machine too.
        var workers = new GemmWorkers(2, helperIdleLife: TimeSpan.FromMilliseconds(500));
        ForkJoin.Run(2, workers, (_, _) => Thread.SpinWait(1000));
        Assert.True(SpinWait.SpinUntil(() => workers.Crew!.Running == 0, Patience), "an idle helper did not end");
        // Ended, not just counted out: it neither sleeps nor comes back on its own.
        Thread.Sleep(100);
        Assert.Equal((0, 0), (workers.Crew!.Running, workers.Crew.Sleeping));
        var runs = new int[4];
        ForkJoin.Run(4, workers, (part, _) => Interlocked.Increment(ref runs[part]));
        Assert.All(runs, count => Assert.Equal(1, count));
        Assert.Equal(1, workers.Crew!.Running);
        workers.Close();
    }

    [Fact]
    public void Disposing_a_context_ends_its_helpers()
    {
        var compute = new ComputeContext(2, helperIdleLife: Forever);
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
    public void A_computation_running_while_its_context_is_disposed_ends_its_helpers_when_it_returns()
    {
        var compute = new ComputeContext(2, helperIdleLife: Forever);
        var scratch = compute.Borrow();
        ForkJoin.Run(2, scratch.Products, (_, _) => Thread.SpinWait(1000));
        compute.Dispose();
        Thread.Sleep(50);
        Assert.Equal(1, scratch.Products.Crew!.Running);
        compute.Return(scratch);
        Assert.True(SpinWait.SpinUntil(() => scratch.Products.Crew.Running == 0, Patience), "a returned scratch's helper outlived its disposed context");
    }

    [Fact]
    public void Scratch_space_replaced_on_return_ends_the_helpers_of_the_one_it_replaces()
    {
        // Two computations at once: the second finds the context's scratch borrowed and makes its own.
        using var compute = new ComputeContext(2, helperIdleLife: Forever);
        var (first, second) = (compute.Borrow(), compute.Borrow());
        Assert.NotSame(first, second);
        foreach (var scratch in new[] { first, second }) ForkJoin.Run(2, scratch.Products, (_, _) => Thread.SpinWait(1000));
        compute.Return(first);
        compute.Return(second);
        Assert.True(SpinWait.SpinUntil(() => first.Products.Crew!.Running == 0, Patience), "a replaced scratch's helper is still running");
        Assert.Equal(1, second.Products.Crew!.Running);
        var kept = compute.Borrow();
        Assert.Same(second, kept);
        compute.Return(kept);
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
