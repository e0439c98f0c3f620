using System.Text.Json.Nodes;
using Backprop.Functional.Tests.Support;

namespace Backprop.Functional.Tests.Cli;

/// <summary>
/// A run directory is evidence: a state edited and resealed, copied from another run or renamed,
/// and a run.json edited by hand, are all refused by resume and found by verify.
/// </summary>
public sealed class TamperedRunTests
{
    private static CliRun Resume(TrainedRun run) => CliRun.Of("train", "--resume", run.Path, "--epochs", "8");

    private static CliRun Verify(TrainedRun run, int expectedExit = 3)
    {
        var verify = CliRun.Of("verify", run.Path);
        Assert.True(verify.ExitCode == expectedExit, $"verify exited {verify.ExitCode}:\n{verify.Out}{verify.Error}");
        return verify;
    }

    [Fact]
    public void A_last_state_edited_and_resealed_is_refused_by_resume_and_verify()
    {
        using var run = new TrainedRun();
        var before = File.ReadAllText(Path.Combine(run.Path, "metrics.csv"));
        Forgery.Reseal(run.State(6), n => Forgery.Nudged(n));
        Resume(run).AssertRefused("000006.safetensors", "metrics.csv recorded", "nothing was changed");
        Assert.Equal(before, File.ReadAllText(Path.Combine(run.Path, "metrics.csv")));
        Assert.Contains("000006.safetensors: its SHA-256", Verify(run).Out);
    }

    [Fact]
    public void A_last_state_resealed_with_its_metrics_row_rewritten_does_not_replay_and_is_refused()
    {
        using var run = new TrainedRun();
        var sha = Forgery.Reseal(run.State(6), n => Forgery.Nudged(n));
        var metrics = Path.Combine(run.Path, "metrics.csv");
        var lines = File.ReadAllLines(metrics);
        lines[^1] = lines[^1][..^64] + sha;
        File.WriteAllLines(metrics, lines);
        Resume(run).AssertRefused("000006.safetensors", "does not replay from epoch 5", "DIFFERS", "layers.0.weight");
        var verify = Verify(run);
        Assert.Contains("epoch 6: DIFFERS", verify.Out);
        Assert.StartsWith("not verified: ", verify.Out.TrimEnd().Split('\n')[^1]);
    }

    [Fact]
    public void A_state_0_edited_and_resealed_with_every_later_epoch_retrained_is_found_by_verify()
    {
        // Seals, links, metrics and every replayed epoch agree: only rebuilding state 0 from run.json shows the forgery.
        using var run = new TrainedRun();
        Forgery.Reseal(run.State(0), n => Forgery.Nudged(n));
        Forgery.RetrainAfter(run.Open(), 0);
        var verify = Verify(run);
        Assert.Contains("000000.safetensors: is not the initial state run.json describes", verify.Out);
        Assert.Contains("replayed 6 epochs: all identical", verify.Out);
        // The replay matched, yet the verdict, the last line, says the run is not proven.
        Assert.Equal("not verified: 1 problem in the chain of evidence (the 'chain:' lines above)", verify.Out.TrimEnd().Split('\n')[^1]);
        Resume(run).AssertRefused("000000.safetensors", "is not the initial state run.json describes");
    }

    [Fact]
    public void A_middle_state_edited_with_the_later_chain_retrained_is_found_by_verifys_replay()
    {
        using var run = new TrainedRun();
        Forgery.Reseal(run.State(3), n => Forgery.Nudged(n));
        Forgery.RetrainAfter(run.Open(), 3);
        var verify = Verify(run);
        Assert.Contains("chain: intact", verify.Out);
        Assert.Contains("epoch 2: identical", verify.Out);
        Assert.Contains("epoch 3: DIFFERS: first differing tensor layers.0.weight", verify.Out);
        // With the chain intact, the replay's own verdict is the last line.
        Assert.Matches(@"^replayed 6 epochs: [1-6] differ$", verify.Out.TrimEnd().Split('\n')[^1]);
    }

    [Fact]
    public void A_state_copied_from_another_run_is_refused()
    {
        using var run = new TrainedRun();
        using var other = new TrainedRun(TrainedRun.Small with { Seed = 4 });
        File.Copy(other.State(6), run.State(6), overwrite: true);
        Resume(run).AssertRefused("000006.safetensors", "'seed'", "another run");
        Assert.Contains("'seed'", Verify(run).Out);
    }

    [Fact]
    public void A_state_renamed_to_a_later_epoch_is_refused_and_adds_no_metrics_rows()
    {
        using var run = new TrainedRun();
        File.Move(run.State(6), run.State(8));
        var metrics = File.ReadAllText(Path.Combine(run.Path, "metrics.csv"));
        Resume(run).AssertRefused("000008.safetensors", "holds epoch 6, not the 8 its name says");
        Assert.Equal(metrics, File.ReadAllText(Path.Combine(run.Path, "metrics.csv")));
        Assert.Contains("holds epoch 6, not the 8", Verify(run).Out);
    }

    [Theory]
    [InlineData("lr", "0.5")]
    [InlineData("optimizer", "\"adam\"")]
    [InlineData("batch-size", "2")]
    [InlineData("seed", "99")]
    [InlineData("standardize", "false")]
    [InlineData("standardize-target", "false")]
    public void An_edited_run_json_is_refused_naming_the_key(string key, string value)
    {
        using var run = new TrainedRun();
        var runJson = Path.Combine(run.Path, "run.json");
        var node = JsonNode.Parse(File.ReadAllText(runJson))!.AsObject();
        node[key] = JsonNode.Parse(value);
        File.WriteAllText(runJson, node.ToJsonString());
        Resume(run).AssertRefused($"'{key}'", "run.json says");
        var verify = Verify(run);
        Assert.Contains($"'{key}'", verify.Out);
        // No epoch replays from a state 0 run.json does not describe: why is a chain line, not "replayed 0 epochs".
        Assert.Contains("chain: replay: ", verify.Out);
        Assert.DoesNotContain("replayed 0 epochs", verify.Out);
        // The verdict counts exactly the problems printed above it, each once.
        var lines = verify.Out.TrimEnd().Split('\n');
        Assert.Equal($"not verified: {lines.Count(l => l.StartsWith("chain: ", StringComparison.Ordinal))} problems in the chain of evidence (the 'chain:' lines above)", lines[^1]);
        var replay = CliRun.Of("replay", run.Path, "--from", "2");
        Assert.Equal(1, replay.ExitCode);
        Assert.Contains($"'{key}'", replay.Error);
    }

    [Fact]
    public void Editing_run_jsons_epochs_and_provenance_is_allowed()
    {
        using var run = new TrainedRun();
        var runJson = Path.Combine(run.Path, "run.json");
        var node = JsonNode.Parse(File.ReadAllText(runJson))!.AsObject();
        node["epochs"] = 7;
        node["provenance"]!["started"] = "yesterday";
        File.WriteAllText(runJson, node.ToJsonString());
        Verify(run, expectedExit: 0);
        Assert.Equal(0, CliRun.Of("train", "--resume", run.Path).ExitCode);
        Assert.Equal(7, run.Open().Listing.Last);
    }

    [Fact]
    public void A_kept_state_that_was_deleted_breaks_the_chain()
    {
        using var run = new TrainedRun();
        File.Delete(run.State(5));
        var verify = Verify(run);
        Assert.Contains("000005.safetensors: is missing, but the run keeps it (keep-every 1)", verify.Out);
        Assert.DoesNotContain("chain: intact", verify.Out);
        Resume(run).AssertRefused("000005.safetensors", "is missing");
    }

    [Fact]
    public void A_state_name_beyond_any_epoch_count_is_a_stray_never_a_crash()
    {
        using var run = new TrainedRun();
        File.Copy(run.State(6), Path.Combine(run.Path, "states", "99999999999.safetensors"));
        Assert.Contains("99999999999.safetensors: is not a state of a run", Verify(run).Out);
        Resume(run).AssertRefused("99999999999.safetensors");
        foreach (var args in new[] { new[] { "replay", run.Path, "--from", "5" }, ["show", run.Path], ["diff", run.Path, "5", "6"], ["report", run.Path, "--out", run.Dir.File("r.html")] })
        {
            var result = CliRun.Of(args);
            Assert.True(result.ExitCode == 0, $"{string.Join(' ', args)}: exit {result.ExitCode}\n{result.Error}");
        }
    }

    [Fact]
    public void Diff_refuses_a_sealed_file_edited_after_it_was_written()
    {
        using var run = new TrainedRun();
        var edited = run.Dir.File("edited.safetensors");
        var bytes = File.ReadAllBytes(Path.Combine(run.Path, "final.safetensors"));
        bytes[^1] ^= 1;
        File.WriteAllBytes(edited, bytes);
        var diff = CliRun.Of("diff", run.State(6), edited);
        Assert.Equal(1, diff.ExitCode);
        Assert.Contains($"{edited}: hash mismatch", diff.Error);
        Assert.Equal(0, CliRun.Of("diff", run.State(6), Path.Combine(run.Path, "final.safetensors")).ExitCode);
    }

    [Fact]
    public void An_intact_run_verifies_and_names_the_hash_that_stands_for_it()
    {
        using var run = new TrainedRun();
        var verify = Verify(run, expectedExit: 0);
        Assert.Contains("chain: intact", verify.Out);
        var sha = Fingerprint.Of(File.ReadAllBytes(run.State(6)));
        Assert.Contains($"the last state's SHA-256 {sha}", verify.Out);
    }

    [Fact]
    public void A_final_model_from_another_run_is_found_by_verify()
    {
        using var run = new TrainedRun();
        using var other = new TrainedRun(TrainedRun.Small with { Seed = 4 });
        File.Copy(Path.Combine(other.Path, "final.safetensors"), Path.Combine(run.Path, "final.safetensors"), overwrite: true);
        Assert.Contains("final.safetensors: is not the model of the last state, epoch 6", Verify(run).Out);
        // Resume writes the model anew: afterwards the run verifies.
        Assert.Equal(0, CliRun.Of("train", "--resume", run.Path).ExitCode);
        Verify(run, expectedExit: 0);
    }

    [Fact]
    public void A_forged_metrics_row_of_a_state_not_kept_is_found_by_verify()
    {
        using var run = new TrainedRun(TrainedRun.Small with { KeepEvery = 3 });
        var metrics = Path.Combine(run.Path, "metrics.csv");
        var lines = File.ReadAllLines(metrics);
        var cells = lines[4].Split(',');
        lines[4] = string.Join(",", cells[0], "0.01", cells[2], cells[3], cells[4]);
        File.WriteAllLines(metrics, lines);
        Assert.Contains("epoch 4: DIFFERS: metrics.csv's row records other metrics", Verify(run).Out);

        lines[4] = string.Join(",", cells[0], cells[1], "garbage", cells[3], cells[4]);
        File.WriteAllLines(metrics, lines);
        Assert.Contains("metrics.csv: line 5 is not the metrics row of epoch 4", Verify(run).Out);
    }

    [Fact]
    public void A_state_named_like_a_huge_epoch_is_neither_listed_missing_by_missing_nor_trained_towards()
    {
        using var run = new TrainedRun();
        File.Copy(run.State(6), run.State(2_147_483_646));
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        var verify = Verify(run);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - allocated < 256 << 20, "verify allocated as if it listed every missing epoch");
        Assert.Contains("000007.safetensors: is missing", verify.Out);
        Assert.Contains("more states the run keeps are missing", verify.Out);
        Assert.Contains("replayed 6 epochs", verify.Out);
        Resume(run).AssertRefused("2147483646");
    }

    [Theory]
    [InlineData("2")]
    [InlineData("9")]
    public void Keep_every_edited_in_run_json_is_refused_and_no_state_is_removed(string value)
    {
        using var run = new TrainedRun(TrainedRun.Small with { KeepEvery = 3 });
        var before = Directory.GetFiles(Path.Combine(run.Path, "states")).Length;
        var runJson = Path.Combine(run.Path, "run.json");
        var node = JsonNode.Parse(File.ReadAllText(runJson))!.AsObject();
        node["keep-every"] = JsonNode.Parse(value);
        File.WriteAllText(runJson, node.ToJsonString());
        Assert.Contains("'keep-every'", Verify(run).Out);
        Resume(run).AssertRefused("'keep-every'");
        Assert.Equal(before, Directory.GetFiles(Path.Combine(run.Path, "states")).Length);
    }

    [Fact]
    public void A_run_json_value_that_resolves_away_is_found_by_verify()
    {
        // The seed demo has no data to classify: a "task" added by hand is what resolution drops.
        using var dir = new TempDirectory();
        var run = dir.File("demo");
        Assert.Equal(0, CliRun.Of("train", "--epochs", "3", "--out", run).ExitCode);
        var runJson = Path.Combine(run, "run.json");
        var node = JsonNode.Parse(File.ReadAllText(runJson))!.AsObject();
        node["task"] = "classification";
        File.WriteAllText(runJson, node.ToJsonString());
        var verify = CliRun.Of("verify", run);
        Assert.Equal(3, verify.ExitCode);
        Assert.Contains("run.json: 'task' is \"classification\" but the run it describes has \"regression\"", verify.Out);
        CliRun.Of("train", "--resume", run, "--epochs", "4").AssertRefused("'task'");
    }

    [Fact]
    public void An_init_hash_without_an_init_file_is_refused()
    {
        using var run = new TrainedRun();
        var runJson = Path.Combine(run.Path, "run.json");
        var node = JsonNode.Parse(File.ReadAllText(runJson))!.AsObject();
        node["init-sha256"] = new string('a', 64);
        File.WriteAllText(runJson, node.ToJsonString());
        CliRun.Of("verify", run.Path).AssertRefused("'init-sha256'", "'init' names no file");
    }

    [Fact]
    public void Temporary_files_left_by_a_killed_writer_are_reported_by_verify_and_removed_by_resume()
    {
        using var run = new TrainedRun();
        var temporaries = new[] { run.State(7) + ".0123456789abcdef.partial", Path.Combine(run.Path, "metrics.csv.0123456789abcdef.partial") };
        foreach (var temporary in temporaries) File.WriteAllText(temporary, "torn");
        var verify = Verify(run);
        foreach (var temporary in temporaries) Assert.Contains($"{temporary}: is the temporary file of a write that never finished", verify.Out);
        Assert.Equal(0, CliRun.Of("train", "--resume", run.Path).ExitCode);
        Assert.All(temporaries, t => Assert.False(File.Exists(t)));
        Verify(run, expectedExit: 0);
    }

    [Fact]
    public void A_metrics_file_beyond_its_limit_is_refused_without_reading_it()
    {
        using var run = new TrainedRun();
        using (var metrics = File.OpenWrite(Path.Combine(run.Path, "metrics.csv"))) metrics.SetLength(RunDirectory.MaxMetricsBytes + 1);
        Assert.Contains("metrics.csv: ", Verify(run).Out);
        Resume(run).AssertRefused("metrics.csv", "limit");
    }
}
