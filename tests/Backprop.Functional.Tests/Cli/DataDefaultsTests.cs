using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Backprop.Functional.IO;
using Backprop.Functional.Tests.Support;

namespace Backprop.Functional.Tests.Cli;

/// <summary>
/// Defaults that learn: with data and no other option, train reaches the targets on the
/// shipped data sets and on a house-price regression, says in its header what it chose, and each
/// default can be turned off.
/// </summary>
public sealed class DataDefaultsTests
{
    /// <summary>The test line's numbers: the loss and, for classification, the accuracy, or for regression the mean predictor's loss.</summary>
    internal static (double Loss, double Other) TestLine(CliRun run)
    {
        Assert.True(run.ExitCode == 0, run.Error);
        var line = run.Lines.Single(l => l.StartsWith("test: ", StringComparison.Ordinal));
        var loss = double.Parse(line.Split("loss ")[1].Split([' ', ','])[0], CultureInfo.InvariantCulture);
        var other = line.Contains("accuracy ", StringComparison.Ordinal)
            ? double.Parse(line.Split("accuracy ")[1], CultureInfo.InvariantCulture)
            : double.Parse(line.Split("training mean: ")[1].TrimEnd(')'), CultureInfo.InvariantCulture);
        return (loss, other);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void Iris_with_nothing_but_a_test_split_reaches_90_percent_on_held_out_rows(int seed)
    {
        var (_, accuracy) = TestLine(CliRun.Of("train", "--dataset", "iris", "--test-split", "0.2", "--seed", $"{seed}"));
        Assert.True(accuracy >= 0.9, $"seed {seed}: accuracy {accuracy}");
    }

    [Fact]
    public void A_house_price_regression_with_nothing_but_data_and_target_has_a_fifth_of_the_mean_predictors_error_on_held_out_rows()
    {
        using var dir = new TempDirectory();
        var (train, heldOut) = HouseCsv.WriteSplit(dir);
        var run = CliRun.Of("train", "--data", train, "--target", "price", "--out", dir.File("run"));
        Assert.True(run.ExitCode == 0, run.Error);

        var evaluate = CliRun.Of("evaluate", "--state", dir.File("run/final.safetensors"), "--data", heldOut, "--json");
        Assert.True(evaluate.ExitCode == 0, evaluate.Error);
        var loss = JsonDocument.Parse(evaluate.Out).RootElement.GetProperty("loss").GetDouble();
        // The mean predictor, by hand: always the training rows' mean price, in dollars, with the same ½·mean of squares.
        var mean = HouseCsv.Prices(train).Average();
        var baseline = 0.5 * HouseCsv.Prices(heldOut).Average(y => (y - mean) * (y - mean));
        Assert.True(loss <= baseline / 5, $"held-out loss {loss} against the mean predictor's {baseline}: ratio {loss / baseline}");
    }

    [Fact]
    public void A_house_price_regression_with_a_test_split_beats_the_mean_predictor_fivefold_in_dollars()
    {
        const int seed = 1;
        using var dir = new TempDirectory();
        var data = dir.Write("houses.csv", HouseCsv.Text(2000, 1));
        var (loss, baseline) = TestLine(CliRun.Of("train", "--data", data, "--target", "price", "--test-split", "0.2", "--seed", $"{seed}"));
        Assert.True(loss <= baseline / 5, $"seed {seed}: test loss {loss} against the mean predictor's {baseline}");
        Assert.True(baseline > 1e8, $"the mean predictor's loss {baseline} is not in squared dollars");
    }

    [Fact]
    public void The_header_names_every_default_it_took_and_how_to_turn_them_off()
    {
        var run = CliRun.Of("train", "--dataset", "iris", "--epochs", "1");
        Assert.True(run.ExitCode == 0, run.Error);
        var line = run.Lines.Single(l => l.StartsWith("defaults for data: ", StringComparison.Ordinal));
        foreach (var flag in new[] { "--layers 4,32,32,3", "--activation tanh", "--output-activation softmax", "--loss cross-entropy", "--lr 0.001",
                                     "--standardize", "--batch-size 32", "--init-scheme xavier-normal", "--optimizer adam", "--no-standardize" })
            Assert.Contains(flag, line);
        Assert.DoesNotContain("--epochs", line); // given
        Assert.StartsWith("network 4-32-32-3 (tanh, tanh, softmax), cross-entropy loss, adam(lr=0.001", run.Lines[0]);
    }

    [Fact]
    public void A_regression_header_says_the_target_is_standardized_and_in_which_units_the_losses_are()
    {
        var run = CliRun.Of("train", "--dataset", "iris", "--target", "petal_width", "--features", "sepal_length,sepal_width,petal_length", "--epochs", "2", "--test-split", "0.2");
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains(run.Lines, l => l.StartsWith("defaults for data: ", StringComparison.Ordinal) && l.Contains("--output-activation identity --loss mse") && l.Contains("--standardize-target"));
        var units = run.Lines.Single(l => l.StartsWith("targets standardized on the training rows (petal_width: mean ", StringComparison.Ordinal));
        Assert.Contains("the epoch and validation losses are in standardized units; the test line, evaluate and predict are in the target's own", units);
        Assert.DoesNotContain(run.Lines, l => l.StartsWith("task ", StringComparison.Ordinal)); // petal widths are not labels
    }

    [Fact]
    public void A_target_of_a_few_whole_numbers_is_classified_and_the_header_says_how_to_regress_it()
    {
        using var dir = new TempDirectory();
        var table = (CsvTable)BuiltInDatasets.Load("digits").Map(d => d.Table);
        var csv = dir.Write("digits.csv", string.Join("\n", new[] { string.Join(",", table.Header) }.Concat(table.Records.Map(r => string.Join(",", r.Fields)))) + "\n");

        var classified = CliRun.Of("train", "--data", csv, "--target", "digit", "--epochs", "1");
        Assert.True(classified.ExitCode == 0, classified.Error);
        Assert.Contains("task classification: 'digit' holds 10 distinct whole numbers (--task regression regresses it instead)", classified.Out);
        Assert.StartsWith("network 64-64-64-10 (tanh, tanh, softmax), cross-entropy loss", classified.Lines[0]);

        var regressed = CliRun.Of("train", "--data", csv, "--target", "digit", "--task", "regression", "--epochs", "1");
        Assert.True(regressed.ExitCode == 0, regressed.Error);
        Assert.StartsWith("network 64-64-64-1 (tanh, tanh, identity), mse loss", regressed.Lines[0]);
        Assert.DoesNotContain("task classification", regressed.Out);
    }

    [Fact]
    public void No_standardize_and_no_standardize_target_turn_the_defaults_off_and_run_json_says_so()
    {
        using var dir = new TempDirectory();
        var data = dir.Write("houses.csv", HouseCsv.Text(200, 3));
        var on = CliRun.Of("train", "--data", data, "--target", "price", "--epochs", "2", "--out", dir.File("on"));
        var off = CliRun.Of("train", "--data", data, "--target", "price", "--epochs", "2", "--no-standardize", "--no-standardize-target", "--out", dir.File("off"));
        Assert.True(on.ExitCode == 0 && off.ExitCode == 0, on.Error + off.Error);

        string[] Tensors(string run) => [.. ((SafeTensorsFile)SafeTensors.Parse(File.ReadAllBytes(Path.Combine(run, "states", "000002.safetensors")))).Tensors.Map(t => t.Name)];
        Assert.Contains("standardization.mean", Tensors(dir.File("on")));
        Assert.Contains("target_standardization.std", Tensors(dir.File("on")));
        Assert.DoesNotContain(Tensors(dir.File("off")), n => n.Contains("standardization", StringComparison.Ordinal));

        JsonObject RunJson(string run) => JsonNode.Parse(File.ReadAllText(Path.Combine(run, "run.json")))!.AsObject();
        Assert.True(RunJson(dir.File("on"))["standardize"]!.GetValue<bool>() && RunJson(dir.File("on"))["standardize-target"]!.GetValue<bool>());
        Assert.False(RunJson(dir.File("off"))["standardize"]!.GetValue<bool>() || RunJson(dir.File("off"))["standardize-target"]!.GetValue<bool>());
        Assert.DoesNotContain("targets standardized", off.Out);
        Assert.DoesNotContain("defaults for data: --standardize", off.Out);
    }

    [Fact]
    public void Batch_size_all_trains_on_every_row_in_one_batch()
    {
        var run = CliRun.Of("train", "--dataset", "iris", "--batch-size", "all", "--epochs", "1");
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("150 training rows, batch 150", run.Out);
        Assert.DoesNotContain("--batch-size", run.Lines.Single(l => l.StartsWith("defaults for data: ", StringComparison.Ordinal)).Split(" (")[0]);
    }

    [Theory]
    [InlineData("--standardize,--no-standardize", "give --standardize or --no-standardize, not both")]
    [InlineData("--standardize-target,--no-standardize-target", "give --standardize-target or --no-standardize-target, not both")]
    public void An_option_and_its_off_switch_together_are_a_usage_error(string flags, string message)
    {
        var run = CliRun.Of(["train", "--dataset", "iris", "--epochs", "1", .. flags.Split(',')]);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains(message, run.Error);
    }

    [Theory]
    [InlineData("--dataset,iris,--standardize-target", "--standardize-target is for regression")]
    [InlineData("--dataset,iris,--target,petal_width,--features,sepal_length,--standardize-target,--loss,binary-cross-entropy", "--standardize-target needs the mse loss")]
    [InlineData("--dataset,iris,--batch-size,-1", "--batch-size must be ≥ 1, or 0 for every row")]
    public void Target_scaling_where_it_cannot_apply_is_refused(string args, string message) =>
        CliRun.Of(["train", .. args.Split(','), "--epochs", "1"]).AssertRefused(message);
}

/// <summary>The digits target, in a class of its own so that it trains beside the other tests.</summary>
public sealed class DigitsDefaultsTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Digits_with_nothing_but_a_test_split_reaches_95_percent_on_held_out_rows(int seed)
    {
        var (_, accuracy) = DataDefaultsTests.TestLine(CliRun.Of("train", "--dataset", "digits", "--test-split", "0.2", "--seed", $"{seed}"));
        Assert.True(accuracy >= 0.95, $"seed {seed}: accuracy {accuracy}");
    }
}
