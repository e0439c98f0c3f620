using System.Diagnostics;
using Backprop.Functional.IO;
using Backprop.Functional.Tests.Support;

namespace Backprop.Functional.Tests.Cli;

/// <summary>An unwritable or full output directory is reported (before training when it can be), and never corrupts a saved state.</summary>
public sealed class DiskTroubleTests
{
    [Fact]
    public void An_unwritable_output_directory_is_reported_before_any_epoch()
    {
        var run = CliRun.Of("train", "--epochs", "5", "--out", "/proc/backprop-cannot-write-here");
        run.AssertRefused("/proc/backprop-cannot-write-here", "cannot create the run directory");
        Assert.DoesNotContain("Epoch 1", run.Out);
    }

    [Fact]
    public void A_full_disk_stops_training_at_the_failing_write_and_leaves_every_saved_state_intact()
    {
        using var dir = new TempDirectory();
        var mount = dir.File("small-disk");
        Directory.CreateDirectory(mount);
        var mounted = Run("mount", "-t", "tmpfs", "-o", "size=420k", "tmpfs", mount) == 0;
        try
        {
            var c = new RunCase(20, 6, 2, [40, 40], "tanh", "adam", null, 60, 1, 8);
            var args = c.TrainArguments(dir.Path);
            var output = Path.Combine(mount, "run");
            CliRun run;
            var states = Path.Combine(output, "states");
            if (mounted)
            {
                run = CliRun.Of([.. args, "--out", output]);
            }
            else
            {
                // Without permission to mount a small disk, pull the states folder from under the trainer instead.
                using var child = ChildProcess.Start([.. (c with { Epochs = 100_000 }).TrainArguments(dir.Path), "--out", output]);
                var deadline = DateTime.UtcNow.AddSeconds(60);
                while (!(Directory.Exists(states) && Directory.GetFiles(states).Length >= 3))
                {
                    Assert.True(DateTime.UtcNow < deadline && !child.Process.HasExited, "training never got going");
                    Thread.Sleep(10);
                }
                Directory.Move(states, states + ".moved");
                File.WriteAllText(states, "not a directory");
                states += ".moved";
                run = child.Finish(TimeSpan.FromSeconds(60));
            }
            run.AssertRefused("cannot write");
            var saved = Directory.GetFiles(states, "*.safetensors");
            Assert.NotEmpty(saved);
            foreach (var state in saved) Assert.True(StateFile.Read(state).IsSucc, $"{state} is damaged");
            // A failed write removes its temporary file (the fallback moved the folder mid-write, so only the real disk can show it).
            if (mounted) Assert.Empty(Directory.GetFiles(states, "*" + AtomicFile.TemporarySuffix));
        }
        finally
        {
            if (mounted) Run("umount", mount);
        }
    }

    private static int Run(string file, params string[] args)
    {
        try
        {
            var info = new ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true };
            foreach (var a in args) info.ArgumentList.Add(a);
            using var process = Process.Start(info)!;
            process.WaitForExit();
            return process.ExitCode;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return -1;
        }
    }
}
