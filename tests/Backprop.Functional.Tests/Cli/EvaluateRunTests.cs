using System.Globalization;
using System.Text.Json;
using Backprop.Cli;
using Backprop.Functional.Tests.Support;

namespace Backprop.Functional.Tests.Cli;

/// <summary>Runs trained once for <see cref="EvaluateRunTests"/>, with train's printed output kept.</summary>
public sealed class HeldOutRuns : IDisposable
{
    private readonly TempDirectory directory = new();

    /// <summary>Trains iris with a test split (the README's command) and house prices with standardized targets, a validation and a test split.</summary>
    public HeldOutRuns()
    {
        IrisTrain = CliRun.Of("train", "--dataset", "iris", "--test-split", "0.2", "--epochs", "20", "--out", Iris);
        Assert.True(IrisTrain.ExitCode == 0, IrisTrain.Error);
        var houses = directory.Write("houses.csv", HouseCsv.Text(300, 7));
        HousesTrain = CliRun.Of("train", "--data", houses, "--target", "price", "--test-split", "0.2", "--validation-split", "0.2",
            "--epochs", "5", "--keep-every", "2", "--seed", "3", "--out", Houses);
        Assert.True(HousesTrain.ExitCode == 0, HousesTrain.Error);
        Assert.Contains("targets standardized", HousesTrain.Out);
    }

    /// <summary>The iris run: a test split, no validation split.</summary>
    public string Iris => directory.File("iris");

    /// <summary>What train printed for the iris run.</summary>
    public CliRun IrisTrain { get; }

    /// <summary>The house-price run: standardized targets, validation and test splits, states 0, 2, 4, 5 kept.</summary>
    public string Houses => directory.File("houses");

    /// <summary>What train printed for the house-price run.</summary>
    public CliRun HousesTrain { get; }

    /// <inheritdoc/>
    public void Dispose() => directory.Dispose();
}

/// <summary>
/// <c>evaluate DIR</c> rebuilds a run's own split from run.json and reproduces what train measured:
/// the test line to the printed digit, each epoch's validation metrics to the bit.
/// </summary>
public sealed class EvaluateRunTests(HeldOutRuns runs, IrisRun iris) : IClassFixture<HeldOutRuns>, IClassFixture<IrisRun>
{
    private static string TestLine(CliRun train) => train.Lines.Single(l => l.StartsWith("test: ", StringComparison.Ordinal));

    private static CliRun Ok(params string[] args)
    {
        var run = CliRun.Of(args);
        Assert.True(run.ExitCode == 0, run.Error);
        return run;
    }

    private static JsonElement Json(params string[] args) => JsonDocument.Parse(Ok([.. args, "--json"]).Out).RootElement.Clone();

    private static string Line(CliRun run, string key) => run.Lines.Single(l => l.StartsWith(key + " ", StringComparison.Ordinal))[10..];

    private static double Number(string text) => double.Parse(text, CultureInfo.InvariantCulture);

    [Fact]
    public void Evaluate_split_test_prints_the_loss_and_accuracy_of_trains_test_line_on_iris()
    {
        // "test: loss 0.29602878871169955, accuracy 0.9667"
        var printed = TestLine(runs.IrisTrain)["test: loss ".Length..].Split(", accuracy ");
        var evaluate = Ok("evaluate", runs.Iris, "--split", "test");
        Assert.Equal(printed[0], Line(evaluate, "loss"));
        Assert.StartsWith(printed[1] + " ", Line(evaluate, "accuracy"));
        var json = Json("evaluate", runs.Iris, "--split", "test");
        Assert.Equal(Number(printed[0]), json.GetProperty("loss").GetDouble());
        Assert.Equal(printed[1], json.GetProperty("accuracy").GetDouble().ToString("0.0000", CultureInfo.InvariantCulture));
        Assert.Equal(("test", 20, 30), (json.GetProperty("split").GetString(), json.GetProperty("epoch").GetInt32(), json.GetProperty("rows").GetInt32()));
    }

    [Fact]
    public void Without_split_a_run_with_a_test_split_is_evaluated_on_it_in_its_last_state()
    {
        var json = Json("evaluate", runs.Iris);
        Assert.Equal(("test", 20), (json.GetProperty("split").GetString(), json.GetProperty("epoch").GetInt32()));
        Assert.Equal(Json("evaluate", runs.Iris, "--split", "test", "--epoch", "20").GetProperty("loss").GetDouble(), json.GetProperty("loss").GetDouble());
    }

    [Fact]
    public void With_restore_best_the_test_line_and_evaluate_measure_the_best_epochs_model_that_final_holds()
    {
        using var dir = new TempDirectory();
        var run = dir.File("best");
        var train = Ok("train", "--dataset", "iris", "--test-split", "0.2", "--validation-split", "0.2", "--patience", "3", "--restore-best",
            "--lr", "0.05", "--epochs", "100", "--out", run);
        var best = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "run.json"))).RootElement.GetProperty("outcome");
        var (bestEpoch, stoppedAt) = (best.GetProperty("best-epoch").GetInt32(), best.GetProperty("stopped-at").GetInt32());
        Assert.NotEqual(bestEpoch, stoppedAt); // else this test shows nothing

        var printed = TestLine(train)["test: loss ".Length..].Split(", accuracy ")[0];
        var json = Json("evaluate", run);
        Assert.Equal(("test", bestEpoch), (json.GetProperty("split").GetString(), json.GetProperty("epoch").GetInt32()));
        Assert.Equal(Number(printed), json.GetProperty("loss").GetDouble());
        Assert.NotEqual(Number(printed), Json("evaluate", run, "--epoch", $"{stoppedAt}").GetProperty("loss").GetDouble());
    }

    [Fact]
    public void Evaluate_split_test_prints_trains_test_line_on_standardized_house_prices_in_dollars()
    {
        // "test: loss 628401242.3594406 (predicting the training mean: 1697859886.888889)"
        var line = TestLine(runs.HousesTrain);
        var evaluate = Ok("evaluate", runs.Houses, "--split", "test");
        Assert.Equal(line["test: loss ".Length..], Line(evaluate, "loss"));
        var json = Json("evaluate", runs.Houses, "--split", "test");
        Assert.Equal(Number(line["test: loss ".Length..line.IndexOf(" (", StringComparison.Ordinal)]), json.GetProperty("loss").GetDouble());
        Assert.True(json.GetProperty("rmse").GetDouble() > 1000, "rmse is not in dollars");
        Assert.Equal(Math.Sqrt(2 * json.GetProperty("loss").GetDouble()), json.GetProperty("rmse").GetDouble(), 1e-9 * json.GetProperty("rmse").GetDouble());
        Assert.InRange(json.GetProperty("r2").GetDouble(), -10, 1);
        Assert.True(json.GetProperty("mae").GetDouble() > 0);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(7)]
    public void Evaluate_split_validation_at_epoch_k_gives_the_validation_metrics_recorded_for_epoch_k(int epoch)
    {
        // Epochs 1, 3 and 5 of IrisRun were not kept: they are rebuilt and checked against metrics.csv.
        var row = File.ReadAllLines(Path.Combine(iris.Path, "metrics.csv"))[epoch].Split(',');
        var json = Json("evaluate", iris.Path, "--split", "validation", "--epoch", epoch.ToString(CultureInfo.InvariantCulture));
        Assert.Equal(epoch, json.GetProperty("epoch").GetInt32());
        Assert.Equal(BitConverter.DoubleToInt64Bits(Number(row[2])), BitConverter.DoubleToInt64Bits(json.GetProperty("loss").GetDouble()));
        Assert.Equal(BitConverter.DoubleToInt64Bits(Number(row[3])), BitConverter.DoubleToInt64Bits(json.GetProperty("accuracy").GetDouble()));
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void On_standardized_targets_the_validation_loss_metrics_csv_records_is_the_standardized_loss(int epoch)
    {
        var row = File.ReadAllLines(Path.Combine(runs.Houses, "metrics.csv"))[epoch].Split(',');
        var json = Json("evaluate", runs.Houses, "--split", "validation", "--epoch", epoch.ToString(CultureInfo.InvariantCulture));
        Assert.Equal(BitConverter.DoubleToInt64Bits(Number(row[2])), BitConverter.DoubleToInt64Bits(json.GetProperty("standardized_loss").GetDouble()));
        Assert.True(json.GetProperty("loss").GetDouble() > 1e6, "the loss is not in squared dollars");
    }

    [Fact]
    public void Without_split_a_run_with_only_a_validation_split_is_evaluated_on_it()
    {
        var json = Json("evaluate", iris.Path);
        Assert.Equal(("validation", 7, 30), (json.GetProperty("split").GetString(), json.GetProperty("epoch").GetInt32(), json.GetProperty("rows").GetInt32()));
    }

    [Fact]
    public void A_split_the_run_does_not_hold_is_a_usage_error_naming_it_and_the_splits_the_run_has()
    {
        var run = CliRun.Of("evaluate", runs.Iris, "--split", "validation");
        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        run.AssertRefused("--split", "no validation split", "train (120 rows)", "test (30 rows)", "(a run holds one out only when trained with a validation split)");
        Assert.Equal("", run.Out);
        CliRun.Of("evaluate", iris.Path, "--split", "test").AssertRefused("no test split", "train", "validation");
    }

    [Fact]
    public void The_training_split_is_evaluated_on_the_run_s_standardized_training_rows()
    {
        var json = Json("evaluate", iris.Path, "--split", "train");
        Assert.Equal(120, json.GetProperty("rows").GetInt32());
        Assert.Equal(120, json.GetProperty("confusion").EnumerateArray().Sum(r => r.EnumerateArray().Sum(c => c.GetInt32())));
    }

    [Fact]
    public void Classification_reports_per_class_precision_recall_f1_and_macro_f1_consistent_with_its_confusion_matrix()
    {
        var json = Json("evaluate", runs.Iris);
        var confusion = json.GetProperty("confusion").EnumerateArray().Select(r => r.EnumerateArray().Select(c => c.GetInt32()).ToArray()).ToArray();
        var (precision, recall, f1) = (Doubles(json, "precision"), Doubles(json, "recall"), Doubles(json, "f1"));
        for (var k = 0; k < 3; k++)
        {
            var predicted = confusion.Sum(r => r[k]);
            Assert.Equal(predicted == 0 ? 0 : (double)confusion[k][k] / predicted, precision[k], 1e-15);
            Assert.Equal((double)confusion[k][k] / confusion[k].Sum(), recall[k], 1e-15);
        }
        Assert.Equal(f1.Average(), json.GetProperty("macro_f1").GetDouble(), 1e-15);
        var text = Ok("evaluate", runs.Iris);
        Assert.Contains(text.Lines, l => l.Trim().StartsWith("class ", StringComparison.Ordinal) && l.Contains("precision") && l.Contains("recall") && l.Contains("f1"));
        Assert.Contains(text.Lines, l => l.Trim().StartsWith("macro average", StringComparison.Ordinal));
    }

    private static double[] Doubles(JsonElement json, string key) => json.GetProperty(key).EnumerateArray().Select(v => v.GetDouble()).ToArray();

    [Fact]
    public void The_state_form_reports_the_new_metrics_beside_the_old_keys()
    {
        var classification = Json("evaluate", "--state", Path.Combine(runs.Iris, "final.safetensors"), "--dataset", "iris");
        foreach (var key in new[] { "loss", "accuracy", "rows", "task", "classes", "confusion", "precision", "recall", "f1", "macro_f1" })
            Assert.True(classification.TryGetProperty(key, out _), key);
        var regression = Json("evaluate", "--state", Path.Combine(runs.Houses, "final.safetensors"), "--data", Path.Combine(Path.GetDirectoryName(runs.Houses)!, "houses.csv"));
        foreach (var key in new[] { "loss", "rows", "task", "rmse", "mae", "r2" })
            Assert.True(regression.TryGetProperty(key, out _), key);
        Assert.False(regression.TryGetProperty("split", out _));
    }

    [Theory]
    [InlineData("evaluate")]
    [InlineData("evaluate --state S --split test")]
    [InlineData("evaluate --state S --epoch 3")]
    [InlineData("evaluate DIR --state S")]
    [InlineData("evaluate DIR --target species")]
    [InlineData("evaluate DIR --split holdout")]
    public void Options_that_do_not_go_together_are_usage_errors(string args)
    {
        var run = CliRun.Of(args.Replace("DIR", runs.Iris).Replace(" S", " " + Path.Combine(runs.Iris, "final.safetensors")).Split(' '));
        Assert.Equal(ExitCodes.Usage, run.ExitCode);
    }

    [Fact]
    public void An_epoch_beyond_the_run_is_refused()
    {
        CliRun.Of("evaluate", runs.Iris, "--epoch", "21").AssertRefused("epoch 21 is beyond the last epoch (20)");
    }
}
