using System.Text.Json.Nodes;
using Backprop.Functional.IO;
using Backprop.Functional.Tests.Support;
using LanguageExt;

namespace Backprop.Functional.Tests.Cli;

/// <summary>An iris run that patience stops early, with its best model restored and only the last two states kept besides state 0 and the best.</summary>
public sealed class StoppedRun : IDisposable
{
    public static readonly string[] Args =
        ["train", "--dataset", "iris", "--validation-split", "0.2", "--patience", "3", "--restore-best", "--keep-last", "2", "--lr", "0.05", "--epochs", "100", "--plain"];

    public StoppedRun()
    {
        Train = CliRun.Of([.. Args, "--out", Path]);
        Assert.True(Train.ExitCode == 0, Train.Error);
    }

    public TempDirectory Dir { get; } = new();

    public string Path => Dir.File("run");

    public CliRun Train { get; }

    /// <summary>A copy of the run to tamper with.</summary>
    public string Copy(TempDirectory into) => into.CopyOf(Path, "copy");

    public void Dispose() => Dir.Dispose();
}

/// <summary>
/// Early stopping and the best model through the command line: a stopped run is complete (verify
/// proves it, replay rebuilds it, resume has nothing to do), its final model is the best state's,
/// and what run.json says of its end is recomputed from metrics.csv by verify.
/// </summary>
public sealed class EarlyStoppingRunTests(StoppedRun run) : IClassFixture<StoppedRun>, IDisposable
{
    private readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    private static Arr<MetricsRow> Rows(string path) => (Arr<MetricsRow>)((RunDirectory)RunDirectory.Open(path)).ReadMetrics();

    /// <summary>The first epoch with the lowest validation loss, computed here from metrics.csv.</summary>
    private static int BestByHand(string path)
    {
        var rows = Rows(path);
        return rows.OrderBy(r => r.Metrics.ValidationLoss).ThenBy(r => r.Epoch).First().Epoch;
    }

    private static JsonObject Outcome(string path) => JsonNode.Parse(File.ReadAllText(System.IO.Path.Combine(path, "run.json")))!["outcome"]!.AsObject();

    [Fact]
    public void A_stopped_run_ends_patience_epochs_after_its_best_and_records_both_in_run_json()
    {
        var rows = Rows(run.Path);
        var best = BestByHand(run.Path);
        Assert.InRange(rows.Count, 4, 99);
        Assert.Equal(best + 3, rows.Count);
        var outcome = Outcome(run.Path);
        Assert.Equal(best, (int)outcome["best-epoch"]!);
        Assert.Equal(rows.Count, (int)outcome["stopped-at"]!);
        Assert.Equal(rows[best - 1].Metrics.ValidationLoss, (double)outcome["best-value"]!);
        Assert.Contains($"stopped early: patience 3 stopped it after epoch {rows.Count}: no better val_loss since epoch {best}", run.Train.Out);
        Assert.DoesNotContain($"Epoch {rows.Count + 1}:", run.Train.Out);
    }

    [Fact]
    public void A_stopped_run_verifies_replays_and_is_complete_when_resumed()
    {
        var copy = run.Copy(dir);
        var before = Directory.GetFiles(copy, "*", SearchOption.AllDirectories).Order().Select(File.ReadAllBytes).ToList();
        var resumed = CliRun.Of("train", "--resume", copy);
        Assert.True(resumed.ExitCode == 0, resumed.Error);
        Assert.Contains("the run is complete: patience 3 stopped it", resumed.Out);
        Assert.Equal(before, Directory.GetFiles(copy, "*", SearchOption.AllDirectories).Order().Select(File.ReadAllBytes).ToList());
        var verify = CliRun.Of("verify", copy);
        Assert.True(verify.ExitCode == 0, verify.Out + verify.Error);
        Assert.Contains("chain: intact", verify.Out);
        var replay = CliRun.Of("replay", copy, "--from", "0");
        Assert.True(replay.ExitCode == 0, replay.Out + replay.Error);
    }

    [Fact]
    public void Keep_last_and_restore_best_keep_state_0_the_best_and_the_last_two()
    {
        var (last, best) = (Rows(run.Path).Count, BestByHand(run.Path));
        var kept = Directory.GetFiles(Path.Combine(run.Path, "states")).Select(Path.GetFileName).Order().ToArray();
        Assert.Equal(new[] { 0, best, last - 1, last }.Distinct().Order().Select(RunDirectory.StateName).ToArray(), kept);
    }

    [Fact]
    public void Restore_best_makes_the_final_model_the_best_states_and_evaluate_agrees()
    {
        var best = BestByHand(run.Path);
        var final = CliRun.Of("evaluate", "--state", Path.Combine(run.Path, "final.safetensors"), "--dataset", "iris", "--json");
        var state = CliRun.Of("evaluate", "--state", Path.Combine(run.Path, "states", RunDirectory.StateName(best)), "--dataset", "iris", "--json");
        Assert.True(final.ExitCode == 0, final.Error);
        Assert.Equal(state.Out, final.Out);
        var last = CliRun.Of("evaluate", "--state", Path.Combine(run.Path, "states", RunDirectory.StateName(Rows(run.Path).Count)), "--dataset", "iris", "--json");
        Assert.NotEqual(last.Out, final.Out);
        Assert.Contains($"best epoch         {best} (val_loss", CliRun.Of("show", run.Path).Out);
    }

    [Theory]
    [InlineData("best-epoch", -1)]
    [InlineData("best-epoch", 1)]
    [InlineData("stopped-at", -1)]
    [InlineData("stopped-at", null)]
    public void An_outcome_edited_in_run_json_is_found_by_verify_in_one_line_naming_the_key(string key, int? shift)
    {
        var copy = run.Copy(dir);
        var file = Path.Combine(copy, "run.json");
        var node = JsonNode.Parse(File.ReadAllText(file))!;
        var outcome = node["outcome"]!.AsObject();
        if (shift is { } s) outcome[key] = (int)outcome[key]! + s;
        else outcome.Remove(key);
        File.WriteAllText(file, node.ToJsonString());
        var verify = CliRun.Of("verify", copy);
        Assert.NotEqual(0, verify.ExitCode);
        var chain = verify.Out.Split('\n').Where(l => l.StartsWith("chain: ", StringComparison.Ordinal) && !l.StartsWith("chain: intact", StringComparison.Ordinal)).ToList();
        Assert.Single(chain);
        Assert.Contains($"'{key}'", chain[0]);
        Assert.Contains("run.json", chain[0]);
    }

    [Fact]
    public void A_run_that_did_not_stop_cannot_claim_it_did()
    {
        using var fresh = new TempDirectory();
        var path = fresh.File("run");
        Assert.Equal(0, CliRun.Of("train", "--dataset", "iris", "--validation-split", "0.2", "--patience", "50", "--epochs", "6", "--plain", "--out", path).ExitCode);
        Assert.Null((int?)Outcome(path)["stopped-at"]);
        var file = Path.Combine(path, "run.json");
        var node = JsonNode.Parse(File.ReadAllText(file))!;
        node["outcome"]!["stopped-at"] = 6;
        File.WriteAllText(file, node.ToJsonString());
        Assert.Contains("'stopped-at' is 6 but", CliRun.Of("verify", path).Out);
    }

    [Fact]
    public void Patience_without_a_validation_split_is_a_usage_error()
    {
        var result = CliRun.Of("train", "--dataset", "iris", "--patience", "3");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("error: --patience needs a validation split to monitor: give --validation-split F", result.Error);
        Assert.Equal(2, CliRun.Of("train", "--dataset", "iris", "--restore-best", "--validation-split", "0").ExitCode);
        Assert.Equal(2, CliRun.Of("train", "--dataset", "iris", "--monitor", "val_accuracy", "--validation-split", "0.2").ExitCode);
    }
}

/// <summary>--keep-last: the states a run keeps, and that verify still proves the run from what is left.</summary>
public sealed class KeepLastTests : IDisposable
{
    private readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    [Theory]
    [InlineData(new[] { "--keep-last", "3" }, new[] { 0, 10, 11, 12 })]
    [InlineData(new[] { "--keep-last", "2", "--keep-every", "4" }, new[] { 0, 8, 12 })]
    [InlineData(new[] { "--keep-last", "2", "--keep-every", "5" }, new[] { 0, 5, 10, 12 })]
    public void Keep_last_keeps_state_0_the_last_n_kept_by_keep_every_and_the_last_and_verifies(string[] keep, int[] expected)
    {
        var path = dir.File("run");
        var train = CliRun.Of(["train", "--dataset", "iris", "--epochs", "12", "--plain", .. keep, "--out", path]);
        Assert.True(train.ExitCode == 0, train.Error);
        Assert.Contains($"states: {expected.Length} kept of 13", train.Out);
        Assert.Equal(expected.Select(RunDirectory.StateName), Directory.GetFiles(Path.Combine(path, "states")).Select(Path.GetFileName).Order());
        var verify = CliRun.Of("verify", path);
        Assert.True(verify.ExitCode == 0, verify.Out + verify.Error);
    }

    [Fact]
    public void A_kept_state_deleted_by_hand_is_missing_to_verify()
    {
        var path = dir.File("run");
        Assert.Equal(0, CliRun.Of("train", "--dataset", "iris", "--epochs", "8", "--keep-last", "3", "--plain", "--out", path).ExitCode);
        File.Delete(Path.Combine(path, "states", RunDirectory.StateName(7)));
        Assert.Contains("000007.safetensors: is missing, but the run keeps it (keep-every 1, keep-last 3)", CliRun.Of("verify", path).Out);
    }
}
