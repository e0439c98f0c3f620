using System.Globalization;
using System.Text.Json;
using Backprop.Functional.IO;
using Backprop.Functional.Numerics;
using Backprop.Functional.Tests.Support;
using LanguageExt;
using LanguageExt.ClassInstances;

namespace Backprop.Functional.Tests.Cli;

/// <summary>evaluate and predict work from a state file alone, with its stored preprocessing and classes.</summary>
public sealed class EvaluatePredictTests
{
    private const string IrisArgs = "--dataset iris --layers 4,16,3 --activation tanh --optimizer adam --lr 0.01 --batch-size 16 --epochs 60 --standardize --test-split 0.2 --seed 1";

    private static string TrainIris(TempDirectory dir)
    {
        var run = CliRun.Of([.. ("train " + IrisArgs).Split(' '), "--out", dir.File("run")]);
        Assert.True(run.ExitCode == 0, run.Error);
        var state = dir.File("model.safetensors");
        File.Copy(dir.File("run/states/000060.safetensors"), state);
        Directory.Delete(dir.File("run"), recursive: true); // the state file alone must be enough
        return state;
    }

    [Fact]
    public void Iris_reaches_at_least_95_percent_on_its_held_out_test_split()
    {
        var run = CliRun.Of([.. ("train " + IrisArgs).Split(' ')]);
        Assert.True(run.ExitCode == 0, run.Error);
        var test = run.Lines.Single(l => l.StartsWith("test:", StringComparison.Ordinal));
        var accuracy = double.Parse(test.Split("accuracy ")[1], CultureInfo.InvariantCulture);
        Assert.True(accuracy >= 0.95, test);
    }

    [Fact]
    public void Evaluate_json_reports_loss_accuracy_and_a_confusion_matrix()
    {
        using var dir = new TempDirectory();
        var state = TrainIris(dir);
        var run = CliRun.Of("evaluate", "--state", state, "--dataset", "iris", "--json");
        Assert.True(run.ExitCode == 0, run.Error);
        using var json = JsonDocument.Parse(run.Out);
        var root = json.RootElement;
        Assert.True(root.GetProperty("loss").GetDouble() > 0);
        Assert.InRange(root.GetProperty("accuracy").GetDouble(), 0.9, 1.0);
        var confusion = root.GetProperty("confusion").EnumerateArray().Select(r => r.EnumerateArray().Select(c => c.GetInt32()).ToArray()).ToArray();
        Assert.Equal(150, confusion.Sum(r => r.Sum()));
        Assert.Equal(["setosa", "versicolor", "virginica"], root.GetProperty("classes").EnumerateArray().Select(c => c.GetString()));
    }

    [Fact]
    public void Predict_writes_a_class_and_probabilities_per_row_using_the_stored_standardization()
    {
        using var dir = new TempDirectory();
        var state = TrainIris(dir);
        var data = dir.Write("flowers.csv", "petal_width,sepal_length,sepal_width,petal_length\n0.2,5.1,3.5,1.4\n2.3,6.7,3.0,5.2\n");
        var run = CliRun.Of("predict", "--state", state, "--data", data, "--out", dir.File("pred.csv"));
        Assert.True(run.ExitCode == 0, run.Error);
        var lines = File.ReadAllLines(dir.File("pred.csv"));
        Assert.Equal("class,p_setosa,p_versicolor,p_virginica", lines[0]);
        Assert.StartsWith("setosa,", lines[1]);
        Assert.StartsWith("virginica,", lines[2]);
        foreach (var line in lines.Skip(1))
            Assert.Equal(1.0, line.Split(',').Skip(1).Sum(p => double.Parse(p, CultureInfo.InvariantCulture)), 1e-12);
    }

    [Fact]
    public void Predict_refuses_data_without_the_models_features()
    {
        using var dir = new TempDirectory();
        var state = TrainIris(dir);
        var data = dir.Write("bad.csv", "sepal_length,sepal_width\n5.1,3.5\n");
        CliRun.Of("predict", "--state", state, "--data", data, "--out", dir.File("p.csv")).AssertRefused("bad.csv", "no column named 'petal_length'");
        Assert.False(File.Exists(dir.File("p.csv")));
    }

    [Fact]
    public void A_regression_trains_below_the_loss_of_predicting_the_mean()
    {
        var run = CliRun.Of("train", "--dataset", "iris", "--target", "petal_width", "--features", "sepal_length,sepal_width,petal_length",
            "--layers", "3,16,1", "--activation", "tanh", "--output-activation", "identity", "--optimizer", "adam", "--lr", "0.01",
            "--batch-size", "16", "--epochs", "100", "--standardize", "--test-split", "0.2", "--seed", "3");
        Assert.True(run.ExitCode == 0, run.Error);
        var test = run.Lines.Single(l => l.StartsWith("test:", StringComparison.Ordinal));
        var loss = double.Parse(test.Split("loss ")[1].Split(' ')[0].TrimEnd(','), CultureInfo.InvariantCulture);
        var baseline = double.Parse(test.Split("the training mean: ")[1].TrimEnd(')'), CultureInfo.InvariantCulture);
        Assert.True(loss < baseline / 5, test);
    }

    /// <summary>A 1-1 identity network whose output overflows on x = 1e200: every loss is +Infinity.</summary>
    internal static (string Weights, string Data) Overflowing(TempDirectory dir)
    {
        var network = (Network)Network.Create([new Layer(Dense.FromRowMajor(1, 1, [1e200]), Dense.Vector([0.0]), Identity.Instance)]);
        var weights = dir.File("overflowing.safetensors");
        File.WriteAllBytes(weights, SafeTensors.Serialize(NetworkTensors.ToFile(network, MeanSquaredError.Instance, Map<OrdString, string, string>.Empty)));
        return (weights, dir.Write("huge.csv", "x,y\n1e200,0\n"));
    }

    [Fact]
    public void Evaluate_json_writes_an_infinite_loss_as_the_string_Infinity()
    {
        using var dir = new TempDirectory();
        var (weights, data) = Overflowing(dir);
        var run = CliRun.Of("evaluate", "--state", weights, "--data", data, "--target", "y", "--json");
        Assert.True(run.ExitCode == 0, run.Error);
        using var json = JsonDocument.Parse(run.Out);
        Assert.Equal("Infinity", json.RootElement.GetProperty("loss").GetString());
        Assert.Contains("loss      Infinity", CliRun.Of("evaluate", "--state", weights, "--data", data, "--target", "y").Out);
    }
}
