using Backprop.Functional.Tests.Support;

namespace Backprop.Functional.Tests.IO;

/// <summary>What a run's states take on disk, estimated from the resolved plan before it starts.</summary>
public sealed class StateStorageTests
{
    private static StateStorage Of(RunSpec spec) => (StateStorage)((PreparedRun)RunPlan.Prepare(spec)).Storage();

    [Fact]
    public void Every_state_of_the_seed_demo_is_kept_and_each_holds_its_parameters_as_doubles()
    {
        var storage = Of(new RunSpec());
        Assert.Equal(201, storage.Kept);
        Assert.Equal(201, storage.Written);
        var parameters = ((PreparedRun)RunPlan.Prepare(new RunSpec())).Initial.Network.ParameterCount;
        Assert.InRange(storage.BytesPerState, parameters * 8L, parameters * 8L + 16_384);
        Assert.StartsWith("states: 201 kept of 201, about ", storage.ToString());
    }

    [Fact]
    public void Adam_keeps_two_more_slots_per_parameter()
    {
        var (sgd, adam) = (Of(new RunSpec()), Of(new RunSpec { Optimizer = "adam" }));
        Assert.InRange(adam.BytesPerState - 3 * (sgd.BytesPerState - 4096), 0, 3 * 4096 + 16_384);
    }

    [Fact]
    public void A_long_run_is_over_a_gibibyte_until_keep_last_or_keep_every_keeps_fewer()
    {
        Assert.True(Of(new RunSpec { Epochs = 100_000 }).Bytes > StateStorage.Large);
        Assert.Equal(4, Of(new RunSpec { Epochs = 100_000, KeepLast = 3 }).Kept);
        Assert.Equal(10_001, Of(new RunSpec { Epochs = 100_000, KeepEvery = 10 }).Kept);
        Assert.True(Of(new RunSpec { Epochs = 100_000, KeepEvery = 1000 }).Bytes < StateStorage.Large);
    }

    [Fact]
    public void The_train_header_warns_on_stderr_before_a_run_over_a_gibibyte_starts()
    {
        using var dir = new TempDirectory();
        var path = dir.File("run");
        using var child = ChildProcess.Start(["train", "--epochs", "100000", "--plain", "--out", path]);
        var metrics = Path.Combine(path, "metrics.csv");
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline && !child.Process.HasExited && !(File.Exists(metrics) && File.ReadAllLines(metrics).Length >= 3)) Thread.Sleep(20);
        child.Kill();
        var finished = child.Finish(TimeSpan.FromSeconds(30));
        Assert.Contains("warning: this run's states will take about 4.", finished.Error);
        Assert.Contains("--keep-every K or --keep-last N keeps fewer", finished.Error);
        Assert.Contains("states: 100,001 kept of 100,001, about 4.", finished.Out);
    }
}
