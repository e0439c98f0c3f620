using System.Text.Json.Nodes;
using Backprop.Functional.Tests.Support;

namespace Backprop.Functional.Tests.Cli;

/// <summary>
/// A run's inputs may move: the data's fingerprint and the init file's SHA-256 decide whether
/// they are the run's, never their paths. replay, verify and resume take --data/--dataset/--init.
/// </summary>
public sealed class MovedInputTests
{
    [Fact]
    public void A_moved_data_file_named_again_replays_verifies_and_resumes()
    {
        using var run = new TrainedRun();
        var moved = run.Dir.File("moved.csv");
        File.Move(run.Dir.File("data.csv"), moved);
        CliRun.Of("replay", run.Path, "--from", "0").AssertRefused("data.csv", "no such file");

        var replay = CliRun.Of("replay", run.Path, "--from", "0", "--data", moved);
        Assert.True(replay.ExitCode == 0 && replay.Out.Contains("replayed 6 epochs: all identical"), replay.Out + replay.Error);
        Assert.Equal(0, CliRun.Of("verify", run.Path, "--data", moved).ExitCode);

        var resume = CliRun.Of("train", "--resume", run.Path, "--epochs", "8", "--data", moved);
        Assert.True(resume.ExitCode == 0, resume.Error);
        Assert.Equal(Path.GetFullPath(moved), JsonNode.Parse(File.ReadAllText(Path.Combine(run.Path, "run.json")))!["data"]!.GetValue<string>());
        Assert.Equal(0, CliRun.Of("verify", run.Path).ExitCode); // run.json now says where the data is
    }

    [Fact]
    public void A_moved_data_file_with_run_json_fixed_by_hand_replays_identically()
    {
        using var run = new TrainedRun();
        var moved = run.Dir.File("elsewhere.csv");
        File.Move(run.Dir.File("data.csv"), moved);
        var runJson = Path.Combine(run.Path, "run.json");
        var node = JsonNode.Parse(File.ReadAllText(runJson))!.AsObject();
        node["data"] = moved;
        File.WriteAllText(runJson, node.ToJsonString());
        var replay = CliRun.Of("replay", run.Path, "--from", "0");
        Assert.True(replay.ExitCode == 0 && replay.Out.Contains("all identical"), replay.Out + replay.Error);
    }

    [Fact]
    public void Other_data_under_the_old_name_is_refused_by_its_fingerprint()
    {
        using var run = new TrainedRun();
        var lines = File.ReadAllLines(run.Dir.File("data.csv"));
        (lines[1], lines[2]) = (lines[2], lines[1]);
        var reordered = run.Dir.File("reordered.csv");
        File.WriteAllLines(reordered, lines);
        CliRun.Of("replay", run.Path, "--from", "0", "--data", reordered).AssertRefused("000000.safetensors", "another or changed data set");
        CliRun.Of("train", "--resume", run.Path, "--epochs", "8", "--data", reordered).AssertRefused("another or changed data set");
    }

    [Fact]
    public void A_data_file_with_its_columns_in_another_order_is_the_same_data()
    {
        using var run = new TrainedRun();
        var lines = File.ReadAllLines(run.Dir.File("data.csv")).Select(l => string.Join(",", l.Split(',').Reverse()));
        var reversed = run.Dir.File("reversed.csv");
        File.WriteAllLines(reversed, lines);
        var replay = CliRun.Of("replay", run.Path, "--from", "0", "--data", reversed);
        Assert.True(replay.ExitCode == 0 && replay.Out.Contains("all identical"), replay.Out + replay.Error);
    }

    [Fact]
    public void A_built_in_data_set_run_verifies_from_a_csv_copy_of_it()
    {
        using var dir = new TempDirectory();
        var run = dir.File("run");
        Assert.Equal(0, CliRun.Of("train", "--dataset", "iris", "--layers", "4,5,3", "--epochs", "3", "--standardize", "--out", run).ExitCode);
        var copy = dir.File("iris.csv");
        File.Copy(Path.Combine("..", "..", "..", "..", "..", "src", "Backprop.Functional.IO", "Datasets", "iris.csv"), copy);
        var verify = CliRun.Of("verify", run, "--data", copy);
        Assert.True(verify.ExitCode == 0, verify.Out + verify.Error);
    }
}
