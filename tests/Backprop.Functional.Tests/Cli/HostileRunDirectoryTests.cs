using System.Diagnostics;
using Backprop.Functional.Tests.IO;
using Backprop.Functional.Tests.Support;

namespace Backprop.Functional.Tests.Cli;

/// <summary>
/// Nothing inside a run directory is followed through a symbolic link or read or written through
/// a FIFO or device, nothing outside it is written, and a run being trained is read consistently
/// or refused cleanly. Every case is a real link or FIFO in a temporary directory.
/// </summary>
public sealed class HostileRunDirectoryTests
{
    private static string Victim(TempDirectory dir, string text = "precious\n") => dir.Write("victim.txt", text);

    [Fact]
    public void A_lock_file_that_is_a_symlink_is_refused_and_its_target_left_untouched()
    {
        using var run = new TrainedRun();
        var victim = Victim(run.Dir);
        File.Delete(Path.Combine(run.Path, ".lock"));
        SpecialFiles.Link(Path.Combine(run.Path, ".lock"), victim);
        CliRun.Of("train", "--resume", run.Path, "--epochs", "8").AssertRefused(".lock", "symbolic link");
        CliRun.Of("verify", run.Path).AssertRefused(".lock", "symbolic link");
        Assert.Equal("precious\n", File.ReadAllText(victim));
    }

    [Fact]
    public void A_final_model_that_is_a_symlink_is_refused_before_resuming_trains()
    {
        using var run = new TrainedRun();
        var victim = Victim(run.Dir);
        File.Delete(Path.Combine(run.Path, "final.safetensors"));
        SpecialFiles.Link(Path.Combine(run.Path, "final.safetensors"), victim);
        CliRun.Of("train", "--resume", run.Path, "--epochs", "8").AssertRefused("final.safetensors", "symbolic link");
        Assert.Equal(6, run.Open().Listing.Last);
        Assert.Contains("final.safetensors: is a symbolic link", CliRun.Of("verify", run.Path).Out);
        Assert.Equal("precious\n", File.ReadAllText(victim));
    }

    [Fact]
    public void An_existing_directory_holding_anything_is_never_trained_into()
    {
        using var other = new TrainedRun();
        using var dir = new TempDirectory();
        var target = dir.File("out");
        Directory.CreateDirectory(target);
        SpecialFiles.Link(Path.Combine(target, "states"), Path.Combine(other.Path, "states"));
        SpecialFiles.Link(Path.Combine(target, ".write-test"), Victim(dir));
        var before = Directory.GetFiles(Path.Combine(other.Path, "states")).Length;
        CliRun.Of([.. other.Args, "--out", target]).AssertRefused("out", "not empty");
        Assert.Equal(before, Directory.GetFiles(Path.Combine(other.Path, "states")).Length);
        Assert.Equal("precious\n", File.ReadAllText(dir.File("victim.txt")));
    }

    [Fact]
    public void The_current_directory_is_never_a_new_run_even_when_empty()
    {
        using var dir = new TempDirectory();
        var empty = dir.File("here");
        Directory.CreateDirectory(empty);
        var args = TrainedRun.Small.TrainArguments(dir.Path);
        ChildProcess.Run([.. args, "--out", "."], directory: empty).AssertRefused("current directory");
        ChildProcess.Run([.. args, "--out", ".."], directory: empty).AssertRefused("..");
        Assert.True(Directory.Exists(empty));
        Assert.Empty(Directory.EnumerateFileSystemEntries(empty));
    }

    [Fact]
    public void An_empty_existing_directory_becomes_the_run()
    {
        using var dir = new TempDirectory();
        var target = dir.File("empty");
        Directory.CreateDirectory(target);
        Assert.Equal(0, CliRun.Of([.. TrainedRun.Small.TrainArguments(dir.Path), "--out", target]).ExitCode);
        Assert.True(File.Exists(Path.Combine(target, "run.json")));
        Assert.Empty(Directory.GetDirectories(dir.Path, ".*.creating"));
    }

    [Fact]
    public void A_states_folder_that_is_a_symlink_is_refused_by_every_reader()
    {
        using var run = new TrainedRun();
        using var elsewhere = new TempDirectory();
        var moved = elsewhere.File("states");
        Directory.Move(Path.Combine(run.Path, "states"), moved);
        SpecialFiles.Link(Path.Combine(run.Path, "states"), moved);
        foreach (var args in new[] { new[] { "verify", run.Path }, ["replay", run.Path, "--from", "0"], ["show", run.Path], ["train", "--resume", run.Path] })
            CliRun.Of(args).AssertRefused("states", "symbolic link");
        Assert.Equal(7, Directory.GetFiles(moved).Length);
    }

    [Fact]
    public void A_state_that_is_a_symlink_to_dev_zero_is_refused_without_reading_it()
    {
        using var run = new TrainedRun();
        File.Delete(run.State(6));
        SpecialFiles.Link(run.State(6), "/dev/zero");
        Assert.Contains("000006.safetensors: is a symbolic link", CliRun.Of("verify", run.Path).Out);
        CliRun.Of("train", "--resume", run.Path).AssertRefused("000006.safetensors", "symbolic link");
    }

    [Fact]
    public void A_fifo_in_place_of_a_state_or_of_metrics_csv_never_blocks_a_reader()
    {
        if (!SpecialFiles.Supported) return;
        using var run = new TrainedRun();
        var state6 = File.ReadAllBytes(run.State(6));
        File.Delete(run.State(6));
        var fifo = SpecialFiles.Fifo(run.State(6));
        var verify = SpecialFiles.Within(() => CliRun.Of("verify", run.Path), fifo);
        Assert.Contains("000006.safetensors: is a FIFO", verify.Out);
        SpecialFiles.Within(() => CliRun.Of("train", "--resume", run.Path), fifo).AssertRefused("000006.safetensors", "FIFO");
        SpecialFiles.Within(() => CliRun.Of("show", run.Path, "--epoch", "5"), fifo);

        File.Delete(fifo);
        File.WriteAllBytes(run.State(6), state6);
        var metrics = Path.Combine(run.Path, "metrics.csv");
        File.Delete(metrics);
        SpecialFiles.Fifo(metrics);
        Assert.Contains("metrics.csv: is a FIFO", SpecialFiles.Within(() => CliRun.Of("verify", run.Path), metrics).Out);
        SpecialFiles.Within(() => CliRun.Of("train", "--resume", run.Path), metrics).AssertRefused("metrics.csv", "FIFO");
        SpecialFiles.Within(() => CliRun.Of("report", run.Path, "--out", run.Dir.File("r.html")), metrics).AssertRefused("metrics.csv", "FIFO");
    }

    [Fact]
    public void A_run_being_trained_is_read_consistently_by_show_and_report_and_refused_by_verify()
    {
        using var dir = new TempDirectory();
        var run = dir.File("live");
        // Many quick epochs of which few are kept: the trainer deletes a state after almost every epoch.
        var args = TrainedRun.Small with { Epochs = 200_000, KeepEvery = 100_000 };
        using var trainer = ChildProcess.Start([.. args.TrainArguments(dir.Path), "--out", run]);
        var clock = Stopwatch.StartNew();
        while (!File.Exists(Path.Combine(run, "metrics.csv")) || File.ReadAllLines(Path.Combine(run, "metrics.csv")).Length < 50)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), "the trainer did not start");
            Thread.Sleep(20);
        }
        for (var i = 0; i < 20; i++)
        {
            var show = CliRun.Of("show", run);
            Assert.True(show.ExitCode == 0, show.Error);
            var report = CliRun.Of("report", run, "--out", dir.File("r.html"));
            Assert.True(report.ExitCode == 0, report.Error);
        }
        CliRun.Of("verify", run).AssertRefused("is being trained");
        trainer.Kill();
    }
}
