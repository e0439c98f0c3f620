using Backprop.Functional.Tests.Support;

namespace Backprop.Functional.Tests.Cli;

/// <summary>A default iris run (200 epochs) that keeps every 7th state, so most epochs' layers.csv rows belong to states not kept.</summary>
public sealed class IrisLayersRun : IDisposable
{
    public IrisLayersRun()
    {
        Train = CliRun.Of("train", "--dataset", "iris", "--keep-every", "7", "--plain", "--out", Path);
        Assert.True(Train.ExitCode == 0, Train.Error);
    }

    public TempDirectory Dir { get; } = new();

    public string Path => Dir.File("run");

    public CliRun Train { get; }

    public string Copy(TempDirectory into) => into.CopyOf(Path, "copy-" + Guid.NewGuid().ToString("N")[..6]);

    public void Dispose() => Dir.Dispose();
}

/// <summary>layers.csv through the command line: written every epoch, replayed and verified, appended on resume, and explained by warnings.</summary>
public sealed class LayersRunTests(IrisLayersRun run) : IClassFixture<IrisLayersRun>, IDisposable
{
    private readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    private static string Layers(string path) => File.ReadAllText(Path.Combine(path, "layers.csv"));

    [Fact]
    public void Layers_csv_has_the_header_and_one_row_per_epoch_and_layer_in_order()
    {
        var lines = Layers(run.Path).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("epoch,layer,weight_grad_norm,bias_grad_norm,weight_norm,update_norm,update_ratio,saturated,dead,activation_mean,activation_std", lines[0]);
        Assert.Equal(200 * 3 + 1, lines.Length);
        var keys = lines.Skip(1).Select(l => l.Split(',')).Select(c => (int.Parse(c[0]), int.Parse(c[1]))).ToArray();
        Assert.Equal(Enumerable.Range(1, 200).SelectMany(e => Enumerable.Range(0, 3).Select(l => (e, l))), keys);
        // tanh hidden layers have a saturation share and no dead share; the softmax output has neither.
        var epoch1 = lines.Skip(1).Take(3).Select(l => l.Split(',')).ToArray();
        Assert.NotEqual("", epoch1[0][7]);
        Assert.Equal("", epoch1[0][8]);
        Assert.Equal(("", ""), (epoch1[2][7], epoch1[2][8]));
    }

    [Fact]
    public void A_default_iris_run_warns_of_nothing_at_its_end_or_in_show()
    {
        Assert.DoesNotContain("warning: layer", run.Train.Error);
        var show = CliRun.Of("show", run.Path);
        Assert.Equal(0, show.ExitCode);
        Assert.DoesNotContain("warning", show.Out);
    }

    [Fact]
    public void The_seed_demo_warns_of_its_vanishing_gradient_at_its_end_and_in_show()
    {
        var path = dir.File("seed");
        var train = CliRun.Of("train", "--plain", "--out", path);
        Assert.Equal(0, train.ExitCode);
        const string vanishing = "warning: layer 0's gradient norm is below 1e-3 of layer 6's in 200 of 200 epochs: likely cause: 6 sigmoid layers in depth";
        Assert.Contains(vanishing, train.Error);
        Assert.Contains("(vanishing gradient)", train.Error);
        Assert.Contains(vanishing, CliRun.Of("show", path).Out);
    }

    [Fact]
    public void Verify_replays_every_epochs_rows_kept_or_not()
    {
        var verify = CliRun.Of("verify", run.Path);
        Assert.True(verify.ExitCode == 0, verify.Out + verify.Error);
        Assert.Contains("replayed 200 epochs: all identical", verify.Out);
    }

    [Fact]
    public void Verify_finds_a_hand_edited_row_of_an_epoch_not_kept_in_one_line_naming_the_file_epoch_and_layer()
    {
        var copy = run.Copy(dir);
        var file = Path.Combine(copy, "layers.csv");
        var lines = File.ReadAllLines(file);
        var index = Array.FindIndex(lines, l => l.StartsWith("10,1,", StringComparison.Ordinal));
        var cells = lines[index].Split(',');
        cells[9] = (double.Parse(cells[9], System.Globalization.CultureInfo.InvariantCulture) + 1e-9).ToString("R", System.Globalization.CultureInfo.InvariantCulture);
        lines[index] = string.Join(",", cells);
        File.WriteAllLines(file, lines);
        var verify = CliRun.Of("verify", copy);
        Assert.NotEqual(0, verify.ExitCode);
        var differing = verify.Out.Split('\n').Where(l => l.Contains("DIFFERS")).ToArray();
        var line = Assert.Single(differing);
        Assert.Contains($"epoch 10: DIFFERS: {file}: the row of epoch 10, layer 1 is not what the epoch recomputes", line);
        Assert.Contains("replayed 200 epochs: 1 differ", verify.Out);
    }

    /// <summary>Lines no epoch writes: replay recomputes only the rows it expects, so the structure is checked apart.</summary>
    [Theory]
    [InlineData("extra layer", "line 602: a row for epoch 200, layer 3, but the run records 200 epochs of 3 layers")]
    [InlineData("extra epoch", "line 602: a row for epoch 201, layer 0, but the run records 200 epochs of 3 layers")]
    [InlineData("duplicate", "line 32: a row for epoch 10, layer 2 where the run writes epoch 11, layer 0")]
    [InlineData("header", "line 1: the header has no column 'dead'")]
    [InlineData("torn", "ends in a line without its line break")]
    [InlineData("truncated", "has no row for epoch 200, layer 2 (599 rows of the 600 of 200 epochs of 3 layers)")]
    public void Verify_finds_rows_no_epoch_writes_a_changed_header_and_missing_or_torn_lines(string edit, string problem)
    {
        var copy = run.Copy(dir);
        var file = Path.Combine(copy, "layers.csv");
        var lines = File.ReadAllLines(file).ToList();
        var values = lines[^1][lines[^1].IndexOf(',', lines[^1].IndexOf(',') + 1)..];
        switch (edit)
        {
            case "extra layer": lines.Add("200,3" + values); break;
            case "extra epoch": lines.Add("201,0" + values); break;
            case "duplicate": lines.Insert(31, lines[30]); break;
            case "header": lines[0] = lines[0].Replace("dead", "dying", StringComparison.Ordinal); break;
            case "truncated": lines.RemoveAt(lines.Count - 1); break;
        }
        File.WriteAllText(file, string.Concat(lines.Select(l => l + "\n")) + (edit == "torn" ? "201,0,1" : ""));
        var verify = CliRun.Of("verify", copy);
        Assert.NotEqual(0, verify.ExitCode);
        Assert.Contains($"{file}: {problem}", verify.Out + verify.Error);
    }

    [Fact]
    public void Replay_from_a_kept_state_reproduces_the_rows_of_the_epochs_after_it()
    {
        var copy = run.Copy(dir);
        var file = Path.Combine(copy, "layers.csv");
        File.WriteAllLines(file, File.ReadAllLines(file).Where(l => !l.StartsWith("30,2,", StringComparison.Ordinal)));
        var replay = CliRun.Of("replay", copy, "--from", "21", "--to", "35");
        Assert.Contains($"epoch 30: DIFFERS: {file} has no row for epoch 30, layer 2", replay.Out);
        Assert.Contains("epoch 29: identical", replay.Out);
    }

    [Fact]
    public void A_run_without_layers_csv_made_before_it_existed_verifies_and_resumes_without_it()
    {
        var copy = run.Copy(dir);
        File.Delete(Path.Combine(copy, "layers.csv"));
        Assert.Equal(0, CliRun.Of("verify", copy).ExitCode);
        Assert.Equal(0, CliRun.Of("train", "--resume", copy, "--epochs", "203", "--plain").ExitCode);
        Assert.False(File.Exists(Path.Combine(copy, "layers.csv")));
        Assert.Equal(0, CliRun.Of("verify", copy).ExitCode);
    }

    [Fact]
    public void A_resumed_run_appends_the_rows_an_uninterrupted_run_writes_dropping_a_torn_line()
    {
        var whole = dir.File("whole");
        var parts = dir.File("parts");
        Assert.Equal(0, CliRun.Of("train", "--dataset", "iris", "--epochs", "12", "--plain", "--out", whole).ExitCode);
        Assert.Equal(0, CliRun.Of("train", "--dataset", "iris", "--epochs", "5", "--plain", "--out", parts).ExitCode);
        // A crash can leave the next epoch's rows (written before its state) and a torn line.
        File.AppendAllText(Path.Combine(parts, "layers.csv"), "6,0,1.5,2\n6,1,0.3");
        Assert.Equal(0, CliRun.Of("train", "--resume", parts, "--epochs", "12", "--plain").ExitCode);
        Assert.Equal(Layers(whole), Layers(parts));
        Assert.Equal(0, CliRun.Of("verify", parts).ExitCode);
    }
}
