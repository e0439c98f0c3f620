using Backprop.Functional.Tests.Support;

namespace Backprop.Functional.Tests.Cli;

/// <summary>--config reads train options from JSON; a run's run.json is one; flags override it; bad files are refused in one line.</summary>
public sealed class ConfigFileTests
{
    [Fact]
    public void A_runs_run_json_is_a_valid_config_that_reproduces_the_run()
    {
        using var dir = new TempDirectory();
        var c = new RunCase(10, 3, 2, [4], "tanh", "adam", 4, 5, 1, 2);
        Assert.Equal(0, CliRun.Of([.. c.TrainArguments(dir.Path), "--out", dir.File("a")]).ExitCode);
        var again = CliRun.Of("train", "--config", dir.File("a/run.json"), "--out", dir.File("b"));
        Assert.True(again.ExitCode == 0, again.Error);
        RunAssert.SameStates(dir.File("a"), dir.File("b"));
    }

    [Fact]
    public void Flags_override_the_config()
    {
        using var dir = new TempDirectory();
        var config = dir.Write("c.json", "{\"epochs\": 3, \"lr\": 0.5, \"layers\": [10, 4, 2]}");
        var run = CliRun.Of("train", "--config", config, "--epochs", "2", "--plain");
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("network 10-4-2", run.Out);
        Assert.Contains("lr=0.5", run.Out);
        Assert.Equal(2, run.Lines.Count(l => l.StartsWith("Epoch ", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("{\"lr\": \"fast\"}", "'lr' has a value of the wrong type")]
    [InlineData("{\"lr\": 0.1, \"bogus\": 1}", "unknown key 'bogus'")]
    [InlineData("{\"lr\": 0.1", "not valid JSON")]
    [InlineData("", "not valid JSON")]
    [InlineData("[1, 2]", "must be a JSON object")]
    [InlineData("{\"epochs\": 1e999}", "'epochs' has a value of the wrong type")]
    [InlineData("{\"epochs\": NaN}", "not valid JSON")]
    [InlineData("{\"lr\": 1, \"lr\": 2}", "a key appears twice (lr)")]
    [InlineData("{\"layers\": [[[[[[[[[[1]]]]]]]]]]}", "nested deeper than a configuration can be")]
    [InlineData("{\"seed\": null}", "'seed'")]
    [InlineData("{\"schedule\": null}", "'schedule' must not be null")]
    [InlineData("{\"on-nonfinite\": null}", "'on-nonfinite' must not be null")]
    [InlineData("{\"keep-every\": null}", "'keep-every'")]
    [InlineData("{\"target\": [null], \"dataset\": \"iris\"}", "'target' holds null")]
    public void Malformed_configs_are_refused_in_one_line_naming_the_file(string json, string problem)
    {
        using var dir = new TempDirectory();
        CliRun.Of("train", "--config", dir.Write("c.json", json), "--epochs", "1").AssertRefused("c.json", problem);
    }

    [Fact]
    public void Non_utf8_bytes_and_a_million_deep_nesting_are_refused_without_a_crash()
    {
        using var dir = new TempDirectory();
        File.WriteAllBytes(dir.File("bad.json"), [0xFF, 0xFE, (byte)'{', (byte)'}']);
        CliRun.Of("train", "--config", dir.File("bad.json")).AssertRefused("bad.json", "not valid JSON");
        var deep = dir.Write("deep.json", new string('[', 1_000_000) + new string(']', 1_000_000));
        CliRun.Of("train", "--config", deep).AssertRefused("deep.json", "larger than the 1,048,576-byte limit");
        var unclosed = dir.Write("deep2.json", new string('[', 500_000));
        CliRun.Of("train", "--config", unclosed).AssertRefused("deep2.json", "nested deeper");
    }

    [Fact]
    public void A_byte_order_mark_is_tolerated()
    {
        using var dir = new TempDirectory();
        File.WriteAllBytes(dir.File("bom.json"), [0xEF, 0xBB, 0xBF, .. "{\"epochs\": 1}"u8.ToArray()]);
        Assert.Equal(0, CliRun.Of("train", "--config", dir.File("bom.json"), "--plain").ExitCode);
    }
}
