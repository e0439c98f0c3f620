using System.Diagnostics;
using Backprop.Functional.IO;
using Backprop.Functional.Tests.Support;

namespace Backprop.Functional.Tests.Cli;

/// <summary>A run killed with SIGKILL at random moments and resumed each time ends bit-identical to one never interrupted.</summary>
public sealed class CrashTests
{
    [Fact]
    public void Killing_training_at_random_moments_and_resuming_gives_the_uninterrupted_result()
    {
        using var dir = new TempDirectory();
        // ~150 epochs of 13 mini-batches: long enough for kills to land mid-run, short enough for the suite.
        var c = new RunCase(200, 8, 3, [24, 16], "tanh", "adam", 16, 150, 3, 77);
        var args = c.TrainArguments(dir.Path);
        var whole = dir.File("whole");
        Assert.Equal(0, CliRun.Of([.. args, "--out", whole]).ExitCode);

        var crashed = dir.File("crashed");
        var random = new Random(2026);
        var kills = 0;
        for (var attempt = 0; attempt < 8 && kills < 4; attempt++)
        {
            string[] command = File.Exists(Path.Combine(crashed, "run.json")) ? ["train", "--resume", crashed] : [.. args, "--out", crashed];
            using var child = ChildProcess.Start(command);
            var clock = Stopwatch.StartNew();
            var wait = TimeSpan.FromMilliseconds(random.Next(150, 900));
            if (child.WaitForExit(wait)) continue; // finished before the kill: nothing to test this round
            child.Kill(); // SIGKILL on Linux
            kills++;
            Assert.False(Directory.Exists(crashed) && Directory.EnumerateFiles(crashed, "*", SearchOption.AllDirectories)
                .Any(f => f.EndsWith(".safetensors", StringComparison.Ordinal) && !StateIsComplete(f)), "a state that looks complete is torn");
        }
        Assert.True(kills >= 2, $"only {kills} kills landed mid-run");

        var finish = ChildProcess.Run(File.Exists(Path.Combine(crashed, "run.json")) ? ["train", "--resume", crashed] : [.. args, "--out", crashed]);
        Assert.True(finish.ExitCode == 0, finish.Error);
        RunAssert.SameStates(whole, crashed);
    }

    [Fact]
    public void A_state_left_behind_by_a_kill_between_writing_the_next_and_removing_it_is_removed_on_resume()
    {
        // Killed after state 5 was written but before state 4 (not kept with --keep-every 3) was removed.
        using var run = new TrainedRun(TrainedRun.Small with { Epochs = 5, KeepEvery = 3 });
        using var whole = new TrainedRun(TrainedRun.Small with { Epochs = 6, KeepEvery = 3 });
        var opened = run.Open();
        var three = File.ReadAllBytes(run.State(3));
        var result = Training.Epoch(opened.Plan.Config, ((Checkpoint)StateFile.Decode(three, "3")).State, opened.Plan.Data.Train);
        File.WriteAllBytes(run.State(4), StateFile.Encode(opened.Plan.CheckpointAfter(result, Fingerprint.Of(three))));
        Assert.Equal(0, CliRun.Of("verify", run.Path).ExitCode);
        Assert.Equal(0, CliRun.Of("train", "--resume", run.Path, "--epochs", "6").ExitCode);
        RunAssert.SameStates(whole.Path, run.Path);
    }

    private static bool StateIsComplete(string path) =>
        !path.Contains("/states/", StringComparison.Ordinal) || StateFile.Read(path).IsSucc;
}
