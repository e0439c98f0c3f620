using System.Text.Json;
using Backprop.Functional.Numerics;
using Backprop.Functional.Tests.Support;

namespace Backprop.Functional.Tests.Cli;

/// <summary>
/// <c>bench</c>: what it reports, and that what it times is real training (its final loss is the
/// library's on the same rows and weights). Its speed is never asserted here.
/// </summary>
public sealed class BenchCommandTests
{
    [Fact]
    public void Json_reports_the_steps_it_timed_and_the_loss_of_the_training_it_ran()
    {
        var run = CliRun.Of("bench", "--layers", "6,9,3", "--batch-size", "4", "--rows", "10", "--epochs", "5", "--seed", "7", "--threads", "1", "--json");
        Assert.True(run.ExitCode == 0, run.Error);
        using var json = JsonDocument.Parse(run.Out);
        var root = json.RootElement;
        Assert.Equal(15, root.GetProperty("steps").GetInt64()); // 5 epochs of ⌈10 / 4⌉ batches
        var seconds = root.GetProperty("seconds").GetDouble();
        Assert.True(seconds > 0);
        Assert.Equal(seconds / 15 * 1e6, root.GetProperty("us_per_step").GetDouble(), 9);
        Assert.Equal(10 * 5 / seconds, root.GetProperty("samples_per_second").GetDouble(), 6);
        // 15 steps of a 6-9-3 network last microseconds: the default 0.2 s takes many runs, each from the same state.
        Assert.InRange(root.GetProperty("repetitions").GetInt32(), 2, 1000);
        foreach (var key in new[] { "gen0_collections", "gc_pause_seconds", "allocated_bytes_per_step", "peak_working_set_bytes" })
            Assert.True(root.TryGetProperty(key, out _), key);

        // The same rows, weights and optimizer through the library: one warm-up epoch, then five.
        int[] widths = [6, 9, 3];
        var rng = Rng.FromSeed(7);
        (var x, rng) = rng.Normals(10 * 6, 0, 1);
        (var y, rng) = rng.Normals(10 * 3, 0, 1);
        var built = NetworkFactory.Create(widths, Sigmoid.Instance, Sigmoid.Instance, new NormalInitializer(0.1), rng).Match(b => b, e => throw new InvalidOperationException(e.Message));
        var data = new Dataset(Dense.FromRowMajor(10, 6, x), Dense.FromRowMajor(10, 3, y));
        var config = new TrainConfig(MeanSquaredError.Instance, new Sgd(new ConstantSchedule(0.01)), 4);
        var result = Training.ReferenceEpoch(config, TrainState.Initial(built.Network, config.Optimizer, built.Next), data);
        for (var e = 0; e < 5; e++) result = Training.ReferenceEpoch(config, result.State, data);
        Assert.True(Bits.Same(result.Loss, root.GetProperty("final_loss").GetDouble()), $"bench {root.GetProperty("final_loss")}, library {result.Loss:R}");
    }

    [Fact]
    public void A_bench_that_meets_NaN_or_infinity_times_nothing_and_exits_with_4()
    {
        // Identity layers 1000 wide with weights of standard deviation 0.1 blow up at lr 0.01.
        var run = CliRun.Of("bench", "--layers", "4,1000,1000,1000,4", "--activation", "identity", "--batch-size", "4", "--rows", "16", "--epochs", "30");
        run.AssertRefused("Inf in the", "nothing was timed");
        Assert.Equal(4, run.ExitCode);
        Assert.Equal("", run.Out);
    }

    [Fact]
    public void Rows_whose_data_would_not_fit_are_refused_with_the_size_before_anything_is_allocated()
    {
        // 4,194,304 rows × 1,024 inputs: 2^32 values, which overflowed an int (exit 70) before the check.
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        var run = CliRun.Of("bench", "--layers", "1024,2", "--rows", "4194304", "--batch-size", "64", "--epochs", "1");
        allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;
        run.AssertRefused("training needs about", "GiB", "1024,2", "4,194,304 rows in batches of 64", "mostly the data", "more than the");
        Assert.Equal(1, run.ExitCode);
        Assert.True(allocated < 32 << 20, $"{allocated:N0} bytes allocated before the refusal");
    }

    [Fact]
    public void A_network_too_large_to_train_is_refused_before_its_weights_are_allocated()
    {
        // 268.6M parameters: 2 GiB per copy of the weights, of which training keeps several.
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        var run = CliRun.Of("bench", "--layers", "4,16384,16384,3", "--rows", "4", "--batch-size", "4", "--epochs", "1");
        allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;
        run.AssertRefused("training needs about", "4,16384,16384,3: 268.6M parameters, sgd", "mostly copies of the parameters", "more than the");
        Assert.Equal(1, run.ExitCode);
        Assert.True(allocated < 32 << 20, $"{allocated:N0} bytes allocated before the refusal");
    }

    [Fact]
    public void Under_a_heap_limit_bench_trains_what_the_estimate_lets_through_and_refuses_the_rest()
    {
        // Parameters dominate (4.2M, 32 MiB a copy). The check allows 80% of the limit: at the
        // smallest limit it accepts, training must fit (the estimate is not too low); just below, it is refused.
        string[] args = ["bench", "--layers", "4,2048,2048,3", "--rows", "16", "--batch-size", "8", "--epochs", "1", "--threads", "1"];
        var estimate = MemoryEstimate.Of(TrainingShape.Of([4, 2048, 2048, 3], new Sgd(new ConstantSchedule(0.01)), 16, 8) with { OtherBytes = 8L * 16 * 7 });
        var smallest = (long)Math.Ceiling(estimate.TotalBytes / Limits.UsableMemoryFraction) + (1 << 20);
        static Dictionary<string, string> Limit(long bytes) => new() { ["DOTNET_GCHeapHardLimit"] = $"0x{bytes:X}" };

        var fits = ChildProcess.Run(args, Limit(smallest));
        Assert.True(fits.ExitCode == 0, $"exit {fits.ExitCode}: {fits.Error}");
        ChildProcess.Run(args, Limit(smallest - (4 << 20))).AssertRefused("training needs about", "% of", "available");
    }

    [Fact]
    public void Counts_below_one_are_refused()
    {
        CliRun.Of("bench", "--layers", "2,2", "--batch-size", "0", "--rows", "4", "--epochs", "1").AssertRefused("--batch-size");
    }

    [Fact]
    public void Min_seconds_zero_times_the_epochs_once_and_one_out_of_range_is_a_usage_error()
    {
        string[] args = ["bench", "--layers", "3,2", "--batch-size", "2", "--rows", "4", "--epochs", "2", "--json"];
        var once = CliRun.Of([.. args, "--min-seconds", "0"]);
        Assert.True(once.ExitCode == 0, once.Error);
        using var json = JsonDocument.Parse(once.Out);
        Assert.Equal(1, json.RootElement.GetProperty("repetitions").GetInt32());
        foreach (var bad in new[] { "-0.5", "NaN", "4000" })
        {
            var run = CliRun.Of([.. args, "--min-seconds", bad]);
            run.AssertRefused($"--min-seconds: {bad} is out of range (must be between 0 and 3600)");
            Assert.Equal(2, run.ExitCode);
        }
    }
}
