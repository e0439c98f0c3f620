using System.Text.Json.Nodes;
using Backprop.Functional.Tests.Support;

namespace Backprop.Functional.Tests.Cli;

/// <summary>--delimiter and --no-header: train records them in run.json only when they are not the default, and verify rereads alike.</summary>
public sealed class DataLayoutTests
{
    private const string Rows = "1;2;0\n2;1;1\n3;5;0\n4;2;1\n5;3;0\n6;1;1\n";

    [Fact]
    public void A_semicolon_file_trains_with_its_delimiter_recorded_and_verifies()
    {
        using var dir = new TempDirectory();
        var data = dir.Write("data.txt", "a;b;y\n" + Rows);
        var run = CliRun.Of("train", "--data", data, "--target", "y", "--delimiter", ";", "--epochs", "2", "--out", dir.File("run"));
        Assert.True(run.ExitCode == 0, run.Error);
        var json = JsonNode.Parse(File.ReadAllText(dir.File("run/run.json")))!;
        Assert.Equal(";", (string?)json["delimiter"]);
        Assert.Null(json["no-header"]);
        var verify = CliRun.Of("verify", dir.File("run"), "--quiet");
        Assert.True(verify.ExitCode == 0, verify.Out + verify.Error);
    }

    [Fact]
    public void A_headerless_file_trains_on_columns_c0_c1()
    {
        using var dir = new TempDirectory();
        var data = dir.Write("data.csv", Rows.Replace(';', ','));
        var run = CliRun.Of("train", "--data", data, "--target", "c2", "--no-header", "--epochs", "1", "--out", dir.File("run"));
        Assert.True(run.ExitCode == 0, run.Error);
        var json = JsonNode.Parse(File.ReadAllText(dir.File("run/run.json")))!;
        Assert.True((bool?)json["no-header"]);
        Assert.Null(json["delimiter"]);
        var evaluate = CliRun.Of("evaluate", "--state", dir.File("run/final.safetensors"), "--data", data, "--no-header");
        Assert.True(evaluate.ExitCode == 0, evaluate.Error);
    }

    [Fact]
    public void A_comma_run_records_no_layout()
    {
        using var dir = new TempDirectory();
        var data = dir.Write("data.csv", "a,b,y\n" + Rows.Replace(';', ','));
        Assert.Equal(0, CliRun.Of("train", "--data", data, "--target", "y", "--epochs", "1", "--out", dir.File("run")).ExitCode);
        var json = JsonNode.Parse(File.ReadAllText(dir.File("run/run.json")))!.AsObject();
        Assert.False(json.ContainsKey("delimiter"));
        Assert.False(json.ContainsKey("no-header"));
    }

    [Fact]
    public void A_quote_as_delimiter_is_a_usage_error()
    {
        using var dir = new TempDirectory();
        var data = dir.Write("data.csv", "a,y\n1,2\n");
        var run = CliRun.Of("train", "--data", data, "--target", "y", "--delimiter", "\"", "--out", dir.File("run"));
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--delimiter", run.Error);
        Assert.False(Directory.Exists(dir.File("run")));
    }
}
