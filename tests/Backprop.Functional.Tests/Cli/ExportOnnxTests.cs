using System.Globalization;
using System.Text.Json;
using Backprop.Functional.IO;
using Backprop.Functional.Tests.Support;

namespace Backprop.Functional.Tests.Cli;

/// <summary>
/// The README's export section: a trained run exported with <c>export --format onnx</c> and run
/// by ONNX Runtime gives the numbers <c>predict</c> writes for the same rows.
/// </summary>
public sealed class ExportOnnxTests
{
    private static string Train(TempDirectory dir, params string[] args)
    {
        var run = CliRun.Of([.. args, "--out", dir.File("run")]);
        Assert.True(run.ExitCode == 0, run.Error);
        return dir.File("run");
    }

    /// <summary>predict's CSV as numbers: one row per line, every column after <paramref name="skip"/>.</summary>
    private static double[] PredictedNumbers(string csv, int skip) =>
        [.. File.ReadAllLines(csv).Skip(1).SelectMany(l => l.Split(',').Skip(skip).Select(v => double.Parse(v, CultureInfo.InvariantCulture)))];

    /// <summary>The CSV's columns named by the model's feature_names metadata, in that order, row-major.</summary>
    private static (double[] Rows, int Features) FeatureRows(byte[] onnx, string[] lines)
    {
        var names = JsonSerializer.Deserialize<string[]>(OnnxRun.Metadata(onnx)[OnnxExport.FeatureNamesKey])!;
        var header = lines[0].Split(',');
        var columns = names.Select(n => Array.IndexOf(header, n)).ToArray();
        Assert.DoesNotContain(-1, columns);
        return ([.. lines.Skip(1).SelectMany(l => columns.Select(c => double.Parse(l.Split(',')[c], CultureInfo.InvariantCulture)))], names.Length);
    }

    [Theory]
    [InlineData("f64", 1e-12)]
    [InlineData("f32", 1e-5)]
    public void An_iris_classifier_in_onnx_runtime_gives_predicts_probabilities_and_classes(string dtype, double tolerance)
    {
        using var dir = new TempDirectory();
        var run = Train(dir, "train", "--dataset", "iris", "--layers", "4,8,3", "--epochs", "20", "--seed", "1");
        var export = CliRun.Of("export", Path.Combine(run, "final.safetensors"), "--format", "onnx", "--dtype", dtype, "--out", dir.File("iris.onnx"));
        Assert.True(export.ExitCode == 0, export.Error);
        Assert.Contains("opset 17", export.Out);
        var predict = CliRun.Of("predict", "--state", Path.Combine(run, "final.safetensors"), "--dataset", "iris", "--out", dir.File("pred.csv"));
        Assert.True(predict.ExitCode == 0, predict.Error);

        var onnx = File.ReadAllBytes(dir.File("iris.onnx"));
        var (rows, features) = FeatureRows(onnx, IrisCsv.Lines());
        var outputs = OnnxRun.Outputs(onnx, rows, features, dtype == "f64" ? ExportPrecision.Float64 : ExportPrecision.Float32);
        var error = OnnxRun.LargestRelativeError(outputs[OnnxExport.ProbabilitiesName], PredictedNumbers(dir.File("pred.csv"), skip: 1));
        Assert.True(error <= tolerance, $"largest relative error {error}");

        var classes = JsonSerializer.Deserialize<string[]>(OnnxRun.Metadata(onnx)[OnnxExport.ClassNamesKey])!;
        var predicted = File.ReadAllLines(dir.File("pred.csv")).Skip(1).Select(l => l.Split(',')[0]);
        Assert.Equal(predicted, outputs[OnnxExport.ClassIndexName].Select(i => classes[(int)i]));
    }

    [Fact]
    public void A_regression_with_standardized_targets_in_onnx_runtime_gives_predicts_prices_in_dollars()
    {
        using var dir = new TempDirectory();
        var run = Train(dir, "train", "--data", "TestData/houses.csv", "--target", "price", "--layers", "8,8,1", "--epochs", "3", "--seed", "1");
        // The run directory itself names its last state.
        var export = CliRun.Of("export", run, "--format", "onnx", "--dtype", "f64", "--out", dir.File("houses.onnx"));
        Assert.True(export.ExitCode == 0, export.Error);
        var predict = CliRun.Of("predict", "--state", Path.Combine(run, "final.safetensors"), "--data", "TestData/houses.csv", "--out", dir.File("prices.csv"));
        Assert.True(predict.ExitCode == 0, predict.Error);

        var onnx = File.ReadAllBytes(dir.File("houses.onnx"));
        var (rows, features) = FeatureRows(onnx, File.ReadAllLines("TestData/houses.csv"));
        var outputs = OnnxRun.Outputs(onnx, rows, features, ExportPrecision.Float64);
        var expected = PredictedNumbers(dir.File("prices.csv"), skip: 0);
        Assert.True(expected.Average() > 10_000, "predict writes prices in dollars");
        var error = OnnxRun.LargestRelativeError(outputs[OnnxExport.PredictionsName], expected);
        Assert.True(error <= 1e-12, $"largest relative error {error}");
    }

    [Fact]
    public void An_unknown_format_or_dtype_is_a_usage_error_and_a_file_that_is_no_model_is_refused()
    {
        using var dir = new TempDirectory();
        var notes = dir.Write("notes.txt", "hello, this is not a model\n");
        var model = dir.File("model.onnx");
        Assert.Equal(2, CliRun.Of("export", notes, "--format", "tflite", "--out", model).AssertRefused("--format", "'tflite'", "onnx").ExitCode);
        Assert.Equal(2, CliRun.Of("export", notes, "--format", "onnx", "--dtype", "f16", "--out", model).AssertRefused("--dtype", "'f16'", "f32|f64").ExitCode);
        Assert.Equal(1, CliRun.Of("export", notes, "--format", "onnx", "--out", model).AssertRefused(notes, "not a safetensors file").ExitCode);
        Assert.False(File.Exists(model));
    }
}
