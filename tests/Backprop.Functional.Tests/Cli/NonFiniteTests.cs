using Backprop.Functional.IO;
using Backprop.Functional.Tests.Support;

namespace Backprop.Functional.Tests.Cli;

/// <summary>A step that produces NaN or ±Inf is never applied: training stops (or skips, boundedly) and keeps the last finite state.</summary>
public sealed class NonFiniteTests
{
    private static readonly string[] Exploding =
        ["train", "--layers", "10,8,2", "--activation", "identity", "--output-activation", "identity", "--lr", "1e60", "--epochs", "50"];

    [Fact]
    public void Training_stops_naming_epoch_tensor_and_index_and_keeps_the_last_finite_state()
    {
        using var dir = new TempDirectory();
        var run = CliRun.Of([.. Exploding, "--out", dir.File("run")]);
        Assert.Equal(4, run.ExitCode);
        var line = Assert.Single(run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Matches(@"^error: epoch (\d+), step 1 of 1: (NaN|\+Inf|-Inf) in (the loss|the gradient of layers\.\d\.(weight|bias)\[\d+(, \d+)?\]|the updated layers\.\d\.(weight|bias)\[\d+(, \d+)?\]); training stopped and kept the last finite state, epoch \d+", line);

        var runDir = (RunDirectory)RunDirectory.Open(dir.File("run"));
        var last = runDir.List().Epochs[^1];
        Assert.Contains($"kept the last finite state, epoch {last}", line);
        var state = (Checkpoint)StateFile.Read(runDir.StatePath(last));
        Assert.Null(NonFinite.In(state.State.Network));
        var final = (Network)FileInput.ReadSafeTensors(runDir.FinalFile).Bind(f => NetworkTensors.FromFile(f, "final", Identity.Instance, Identity.Instance));
        Assert.True(Bits.Same(Bits.Of(state.State.Network), Bits.Of(final)));
        Assert.Equal(last, File.ReadAllLines(runDir.MetricsFile).Length - 1);
    }

    [Fact]
    public void Without_out_training_stops_at_the_same_epoch_with_the_same_message_and_losses()
    {
        // Without --out the epochs are folded a chunk at a time; the stop must not move.
        using var dir = new TempDirectory();
        var kept = CliRun.Of([.. Exploding, "--out", dir.File("run")]);
        var folded = CliRun.Of(Exploding);
        Assert.Equal(4, folded.ExitCode);
        Assert.Equal(kept.Error.Replace($" ({dir.File("run")}/final.safetensors)", ""), folded.Error);
        Assert.Equal(kept.Lines.Where(l => l.StartsWith("Epoch ")), folded.Lines.Where(l => l.StartsWith("Epoch ")));
    }

    [Fact]
    public void Skip_drops_non_finite_updates_up_to_the_limit_then_stops()
    {
        using var dir = new TempDirectory();
        // One row holds a value so large that any batch containing it overflows the loss.
        var rows = Enumerable.Range(0, 12).Select(r => r == 5 ? "1e200,1,1" : $"{r * 0.1},{r * 0.2},{r * 0.05}");
        var data = dir.Write("d.csv", "a,b,y\n" + string.Join("\n", rows) + "\n");
        var run = CliRun.Of("train", "--data", data, "--target", "y", "--layers", "2,3,1", "--activation", "identity", "--output-activation", "identity",
            "--batch-size", "4", "--epochs", "20", "--optimizer", "sgd", "--init-scheme", "normal", "--no-standardize", "--no-standardize-target",
            "--on-nonfinite", "skip", "--max-skips", "3", "--out", dir.File("run"));
        Assert.Equal(4, run.ExitCode);
        Assert.Contains("warning: epoch 1: skipped 1 update(s), the first with +Inf in the loss (1 of at most 3 in this run)", run.Error);
        Assert.Contains("after 3 skipped updates (--max-skips)", run.Error);
        var runDir = (RunDirectory)RunDirectory.Open(dir.File("run"));
        Assert.Equal(3, ((Checkpoint)StateFile.Read(runDir.StatePath(3))).State.SkippedSteps);
        Assert.Equal(3, runDir.List().Epochs[^1]);
        Assert.Equal(0, CliRun.Of("replay", dir.File("run"), "--from", "0").ExitCode);
    }

    [Fact]
    public void A_skipped_step_leaves_parameters_and_optimizer_untouched()
    {
        var c = new NetworkCase([2, 3, 1], ["tanh", "identity"], 2, 4);
        var optimizer = new Adam(new ConstantSchedule(0.1), 0.9, 0.999, 1e-8, 0, false);
        var config = new TrainConfig(MeanSquaredError.Instance, optimizer, null, NonFinitePolicy.Skip(5));
        var state = TrainState.Initial(c.Network, optimizer, Rng.FromSeed(1));
        var poisoned = c.Data with { Targets = c.Data.Targets.Map(_ => double.NaN) };
        var stepped = Training.Step(config, state, poisoned);
        Assert.NotNull(stepped.Problem);
        Assert.False(stepped.MustStop);
        Assert.Same(state.Network, stepped.State.Network);
        Assert.Same(state.Optimizer, stepped.State.Optimizer);
        Assert.Equal(1, stepped.State.SkippedSteps);
        Assert.True(Training.Step(config with { OnNonFinite = NonFinitePolicy.Stop }, state, poisoned).MustStop);
    }
}
