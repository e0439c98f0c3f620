using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Backprop.Functional.IO;
using Backprop.Functional.Numerics;
using Backprop.Functional.Tests.Support;

namespace Backprop.Functional.Tests.Cli;

/// <summary>
/// A model trained on standardized targets reports in the target's own units: predict, evaluate
/// and train's test line are checked against computations by hand from the model's tensors.
/// </summary>
public sealed class TargetUnitsTests : IDisposable
{
    private readonly TempDirectory dir = new();
    private readonly string data;

    /// <summary>Trains a few epochs on the README's house prices, with the defaults (so the targets are standardized) and a test split.</summary>
    public TargetUnitsTests()
    {
        data = dir.Write("houses.csv", HouseCsv.Text(HouseCsv.ExampleRows, HouseCsv.ExampleSeed));
        Train = CliRun.Of("train", "--data", data, "--target", "price", "--epochs", "5", "--test-split", "0.2", "--seed", "4", "--out", dir.File("run"));
        Assert.True(Train.ExitCode == 0, Train.Error);
    }

    private CliRun Train { get; }

    private string Final => dir.File("run/final.safetensors");

    /// <inheritdoc/>
    public void Dispose() => dir.Dispose();

    /// <summary>Every column of the CSV, by name.</summary>
    private Dictionary<string, double[]> Columns()
    {
        var lines = File.ReadAllLines(data).Where(l => l.Length > 0).ToArray();
        var header = lines[0].Split(',');
        return header.Select((name, c) => (name, values: lines.Skip(1).Select(l => double.Parse(l.Split(',')[c], CultureInfo.InvariantCulture)).ToArray()))
            .ToDictionary(p => p.name, p => p.values);
    }

    /// <summary>The prices the model predicts for every row, by hand: standardize, run the network, scale back.</summary>
    private double[] PredictedByHand(Model model)
    {
        var schema = model.Schema.IfNone(() => throw new InvalidOperationException("no schema"));
        var features = schema.Standardization.IfNone(() => throw new InvalidOperationException("not standardized"));
        var target = schema.TargetStandardization.IfNone(() => throw new InvalidOperationException("targets not standardized"));
        var columns = Columns();
        var rows = columns["price"].Length;
        var x = new double[rows * schema.Features.Count];
        for (var c = 0; c < schema.Features.Count; c++)
            for (var r = 0; r < rows; r++)
                x[c * rows + r] = (columns[schema.Features[c]][r] - features.Means[c]) / features.Stds[c];
        var z = Dense.Data(Forward.Predict(model.Network, Dense.Matrix(rows, schema.Features.Count, x)));
        return z.Select(v => v * target.Stds[0] + target.Means[0]).ToArray();
    }

    private static void Close(double expected, double actual, string what) =>
        Assert.True(Math.Abs(expected - actual) <= 1e-9 * Math.Max(1, Math.Abs(expected)), $"{what}: expected {expected}, got {actual}");

    [Fact]
    public void Predict_writes_prices_in_dollars_as_computed_by_hand()
    {
        var model = (Model)ModelReader.Read(Final);
        var predict = CliRun.Of("predict", "--state", Final, "--data", data, "--out", "-");
        Assert.True(predict.ExitCode == 0, predict.Error);
        Assert.Equal("price", predict.Lines[0]);
        var printed = predict.Lines.Skip(1).Select(l => double.Parse(l, CultureInfo.InvariantCulture)).ToArray();
        var byHand = PredictedByHand(model);
        Assert.Equal(byHand.Length, printed.Length);
        for (var r = 0; r < byHand.Length; r++) Close(byHand[r], printed[r], $"row {r}");
        Assert.True(printed.Average() > 50_000, "predictions are not in dollars");
    }

    [Theory]
    [InlineData("final.safetensors")]
    [InlineData("states/000005.safetensors")]
    public void Evaluate_reports_loss_rmse_and_mae_in_dollars_as_computed_by_hand(string file)
    {
        var path = dir.File(Path.Combine("run", file));
        var model = (Model)ModelReader.Read(path);
        var evaluate = CliRun.Of("evaluate", "--state", path, "--data", data, "--json");
        Assert.True(evaluate.ExitCode == 0, evaluate.Error);
        var json = JsonDocument.Parse(evaluate.Out).RootElement;

        var predicted = PredictedByHand(model);
        var prices = Columns()["price"];
        var errors = predicted.Zip(prices, (p, y) => p - y).ToArray();
        Close(0.5 * errors.Average(e => e * e), json.GetProperty("loss").GetDouble(), "loss (½·mean of squared dollars)");
        Close(Math.Sqrt(errors.Average(e => e * e)), json.GetProperty("rmse").GetDouble(), "rmse");
        Close(errors.Average(Math.Abs), json.GetProperty("mae").GetDouble(), "mae");
        Assert.Equal("regression", json.GetProperty("task").GetString());

        var text = CliRun.Of("evaluate", "--state", path, "--data", data);
        Assert.Contains($"rmse      {json.GetProperty("rmse").GetDouble().ToString("R", CultureInfo.InvariantCulture)}", text.Out);
    }

    [Fact]
    public void The_test_line_compares_the_model_and_the_mean_predictor_in_dollars()
    {
        var (loss, baseline) = DataDefaultsTests.TestLine(Train);
        // The held-out rows by hand: the run's own split, rebuilt from run.json by the library.
        var run = (PreparedRun)RunFile.Read(dir.File("run/run.json")).Bind(spec => RunPlan.Prepare(spec));
        var units = run.InTargetUnits ?? throw new InvalidOperationException("the targets are not standardized");
        var test = units.Test!;
        var (model, _) = ((Model, ModelProvenance))ModelFile.Read(Final);
        var scaling = run.Schema.TargetStandardization.IfNone(() => throw new InvalidOperationException("no target scaling"));
        var z = Dense.Data(Forward.Predict(model.Network, test.Inputs));
        var y = Dense.Data(test.Targets);
        var mean = Dense.Data(units.Train.Targets).Average();
        Close(0.5 * z.Select((v, i) => v * scaling.Stds[0] + scaling.Means[0] - y[i]).Average(e => e * e), loss, "test loss");
        Close(0.5 * y.Average(v => (v - mean) * (v - mean)), baseline, "mean predictor's loss");
    }

    [Fact]
    public void Gradients_and_explain_use_the_networks_own_space_standardized_targets()
    {
        var explain = CliRun.Of("explain", "--state", Final, "--data", data, "--row", "0", "--json");
        Assert.True(explain.ExitCode == 0, explain.Error);
        var model = (Model)ModelReader.Read(Final);
        var scaling = model.Schema.Case is DataSchema s ? s.TargetStandardization.IfNone(() => throw new InvalidOperationException()) : throw new InvalidOperationException();
        var standardized = (Columns()["price"][0] - scaling.Means[0]) / scaling.Stds[0];
        var target = JsonDocument.Parse(explain.Out).RootElement.GetProperty("loss").GetProperty("target").GetProperty("values")[0].GetDouble();
        Close(standardized, target, "explain's target");

        var gradients = CliRun.Of("gradients", "--state", Final, "--data", data, "--out", dir.File("grads.safetensors"));
        Assert.True(gradients.ExitCode == 0, gradients.Error);
        var schema = model.Schema.IfNone(() => throw new InvalidOperationException());
        var inputs = (MathNet.Numerics.LinearAlgebra.Matrix<double>)model.Inputs((CsvTable)FileInput.ReadCsv(data), schema);
        var prices = Dense.Matrix(Columns()["price"].Length, 1, Columns()["price"]);
        var expected = Training.Gradient(model.Network, model.Loss, new Dataset(inputs, scaling.Apply(prices)));
        var written = (SafeTensorsFile)SafeTensors.Parse(File.ReadAllBytes(dir.File("grads.safetensors")));
        Assert.True(Bits.Same(Dense.ToRowMajor(expected.Layers[0].Weight), written.Find("layers.0.weight").Map(t => t.Values).IfNone([])));
    }

    [Fact]
    public void Run_json_of_a_data_run_records_every_default_it_resolved_and_verifies()
    {
        var node = JsonNode.Parse(File.ReadAllText(dir.File("run/run.json")))!.AsObject();
        Assert.Equal("[8,32,32,1]", node["layers"]!.ToJsonString());
        Assert.Equal("tanh", node["activation"]!.GetValue<string>());
        Assert.Equal("identity", node["output-activation"]!.GetValue<string>());
        Assert.Equal("mse", node["loss"]!.GetValue<string>());
        Assert.Equal(0.001, node["lr"]!.GetValue<double>());
        Assert.Equal(5, node["epochs"]!.GetValue<int>());
        Assert.Equal("regression", node["task"]!.GetValue<string>());
        Assert.True(node["standardize"]!.GetValue<bool>());
        Assert.True(node["standardize-target"]!.GetValue<bool>());
        Assert.Equal(32, node["batch-size"]!.GetValue<int>());
        Assert.Equal("xavier-normal", node["init-scheme"]!.GetValue<string>());
        Assert.Equal("adam", node["optimizer"]!.GetValue<string>());

        var verify = CliRun.Of("verify", dir.File("run"));
        Assert.True(verify.ExitCode == 0, verify.Out + verify.Error);

        // run.json is a --config that gives the same run again, state for state.
        var again = CliRun.Of("train", "--config", dir.File("run/run.json"), "--out", dir.File("again"));
        Assert.True(again.ExitCode == 0, again.Error);
        Assert.DoesNotContain("defaults for data", again.Out);
        RunAssert.SameStates(dir.File("run"), dir.File("again"));
    }

    [Fact]
    public void Show_names_the_target_scaling()
    {
        var show = CliRun.Of("show", Final);
        Assert.True(show.ExitCode == 0, show.Error);
        Assert.Contains("target scaling     trained on standardized targets (price: mean ", show.Out);
    }
}
