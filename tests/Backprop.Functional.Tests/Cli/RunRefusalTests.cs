using Backprop.Functional.Tests.Support;

namespace Backprop.Functional.Tests.Cli;

/// <summary>States and run directories that do not belong are refused with the file and the reason, and nothing is overwritten.</summary>
public sealed class RunRefusalTests
{
    private static readonly RunCase Case = new(9, 3, 2, [4], "sigmoid", "momentum", 4, 6, 1, 3);

    private static (TempDirectory Dir, string Run, string[] Args) Trained(RunCase? c = null)
    {
        var dir = new TempDirectory();
        var args = (c ?? Case).TrainArguments(dir.Path);
        var run = dir.File("run");
        Assert.Equal(0, CliRun.Of([.. args, "--out", run]).ExitCode);
        return (dir, run, args);
    }

    [Fact]
    public void A_corrupted_state_is_reported_by_replay_show_and_resume()
    {
        var (dir, run, _) = Trained();
        using var _ = dir;
        var state = Path.Combine(run, "states", "000004.safetensors");
        var bytes = File.ReadAllBytes(state);
        bytes[^5] ^= 0x01;
        File.WriteAllBytes(state, bytes);

        var replay = CliRun.Of("replay", run, "--from", "2");
        Assert.Equal(3, replay.ExitCode);
        Assert.Contains("epoch 4: DIFFERS", replay.Out);
        Assert.Contains("hash mismatch", replay.Out);
        CliRun.Of("show", state).AssertRefused("000004.safetensors", "hash mismatch");
        CliRun.Of("replay", run, "--from", "4").AssertRefused("000004.safetensors", "hash mismatch");
        Assert.Equal(3, CliRun.Of("verify", run).ExitCode);
    }

    [Fact]
    public void A_truncated_last_state_stops_resume_and_is_left_untouched()
    {
        var (dir, run, _) = Trained();
        using var _ = dir;
        var state = Path.Combine(run, "states", "000006.safetensors");
        var truncated = File.ReadAllBytes(state)[..1000];
        File.WriteAllBytes(state, truncated);
        CliRun.Of("train", "--resume", run, "--epochs", "8").AssertRefused("000006.safetensors", "truncated");
        Assert.Equal(truncated, File.ReadAllBytes(state));
    }

    [Fact]
    public void A_state_trained_on_other_data_is_refused()
    {
        var (dir, run, _) = Trained();
        using var _ = dir;
        var data = dir.File("data.csv");
        var lines = File.ReadAllLines(data);
        lines[2] = string.Join(",", lines[2].Split(',').Select((v, i) => i == 0 ? "42" : v));
        File.WriteAllLines(data, lines);
        CliRun.Of("replay", run, "--from", "1").AssertRefused("000001.safetensors", "another or changed data set");
        CliRun.Of("train", "--resume", run, "--epochs", "8").AssertRefused("another or changed data set");
    }

    [Fact]
    public void A_state_of_another_architecture_is_refused()
    {
        var (dir, run, _) = Trained();
        using var _ = dir;
        var (otherDir, other, _) = Trained(Case with { Hidden = [7] });
        using (otherDir)
            File.Copy(Path.Combine(other, "states", "000003.safetensors"), Path.Combine(run, "states", "000003.safetensors"), overwrite: true);
        CliRun.Of("replay", run, "--from", "3").AssertRefused("000003.safetensors", "was trained with 'layers'");
    }

    [Fact]
    public void A_directory_that_is_not_a_run_is_refused()
    {
        using var dir = new TempDirectory();
        CliRun.Of("replay", dir.Path, "--from", "0").AssertRefused(dir.Path, "not a run directory");
        CliRun.Of("verify", dir.File("missing")).AssertRefused("no such run directory");
        CliRun.Of("train", "--resume", dir.Path).AssertRefused("not a run directory");
    }

    [Fact]
    public void Replaying_from_beyond_the_last_epoch_is_refused()
    {
        var (dir, run, _) = Trained();
        using var _ = dir;
        CliRun.Of("replay", run, "--from", "7").AssertRefused("--from: 7 is out of range (must be ≤ 6, the last epoch of");
    }

    [Fact]
    public void Training_into_an_existing_run_is_refused_and_changes_nothing()
    {
        var (dir, run, args) = Trained();
        using var _ = dir;
        var before = File.ReadAllBytes(Path.Combine(run, "states", "000006.safetensors"));
        CliRun.Of([.. args, "--out", run]).AssertRefused("already holds a run");
        Assert.Equal(before, File.ReadAllBytes(Path.Combine(run, "states", "000006.safetensors")));
    }

    [Fact]
    public void Two_processes_cannot_train_into_the_same_directory()
    {
        var (dir, run, _) = Trained();
        using var _ = dir;
        using var held = ((RunDirectory)RunDirectory.Open(run)).Lock().ThrowIfFail();
        var second = ChildProcess.Run(["train", "--resume", run, "--epochs", "9"]);
        second.AssertRefused("another process is using this run directory");
    }
}
