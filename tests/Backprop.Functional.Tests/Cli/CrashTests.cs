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

    private static bool StateIsComplete(string path) =>
        !path.Contains("/states/", StringComparison.Ordinal) || StateFile.Read(path).IsSucc;
}
