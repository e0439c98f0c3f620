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
    public void Counts_below_one_are_refused()
    {
        CliRun.Of("bench", "--layers", "2,2", "--batch-size", "0", "--rows", "4", "--epochs", "1").AssertRefused("--batch-size");
    }
}
