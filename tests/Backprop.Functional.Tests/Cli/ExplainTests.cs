using System.Text.Json;
using Backprop.Functional.Numerics;
using Backprop.Functional.Tests.Support;

namespace Backprop.Functional.Tests.Cli;

/// <summary>explain shows one real step: its numbers are those of the forward, backward and update functions.</summary>
public sealed class ExplainTests
{
    [Fact]
    public void The_default_explains_the_seed_demos_first_step_in_the_notebooks_order()
    {
        var run = CliRun.Of("explain");
        Assert.True(run.ExitCode == 0, run.Error);
        var text = run.Out;
        var order = new[] { "Forward pass", "layer 0:", "z0 = x·W0ᵀ + b0", "h6 = sigmoid(z6)", "Loss", "mse = ½·mean((h − y)²) = ", "Backward pass", "layer 6 (sigmoid)", "dL/dh6 = (h − y)/N", "dL/dW0", "Update" };
        var positions = order.Select(s => text.IndexOf(s, StringComparison.Ordinal)).ToArray();
        Assert.All(positions, p => Assert.True(p >= 0, text));
        Assert.Equal(positions.Order().ToArray(), positions);
        var firstTrainLoss = CliRun.Of("train", "--epochs", "1").Lines.First(l => l.StartsWith("Epoch 1:", StringComparison.Ordinal)).Split("loss ")[1];
        Assert.Contains($"mse = ½·mean((h − y)²) = {firstTrainLoss}\n", text);
    }

    [Fact]
    public void Json_gives_the_same_gradients_as_the_backward_pass()
    {
        using var dir = new TempDirectory();
        var train = CliRun.Of("train", "--dataset", "iris", "--layers", "4,5,3", "--epochs", "3", "--standardize", "--batch-size", "50", "--optimizer", "adam", "--lr", "0.01", "--out", dir.File("run"));
        Assert.True(train.ExitCode == 0, train.Error);
        var state = dir.File("run/states/000003.safetensors");
        var run = CliRun.Of("explain", "--state", state, "--dataset", "iris", "--row", "7", "--json");
        Assert.True(run.ExitCode == 0, run.Error);
        using var json = JsonDocument.Parse(run.Out);
        var backward = json.RootElement.GetProperty("backward").EnumerateArray().ToArray();
        Assert.Equal([1, 0], backward.Select(b => b.GetProperty("layer").GetInt32()));

        var checkpoint = (Functional.IO.Checkpoint)Functional.IO.StateFile.Read(state);
        var table = (Functional.IO.CsvTable)Functional.IO.BuiltInDatasets.Load("iris").Map(d => d.Table);
        var one = table.Rows(7, 1);
        var x = checkpoint.Schema.Standardization.Match(s => s.Apply((MathNet.Numerics.LinearAlgebra.Matrix<double>)Functional.IO.TabularData.Features(one, checkpoint.Schema)), () => throw new InvalidOperationException());
        var y = (MathNet.Numerics.LinearAlgebra.Matrix<double>)Functional.IO.TabularData.Targets(one, checkpoint.Schema);
        var expected = Training.Gradient(checkpoint.State.Network, checkpoint.Loss, new Dataset(x, y));
        var dW0 = backward[1].GetProperty("dL_dW").GetProperty("values").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        Assert.True(Bits.Same(Dense.ToRowMajor(expected.Layers[0].Weight), dW0));
        Assert.Equal("cross-entropy", json.RootElement.GetProperty("loss").GetProperty("name").GetString());
        Assert.Equal(JsonValueKind.Null, backward[0].GetProperty("dL_dh").ValueKind);
    }

    [Fact]
    public void A_row_beyond_the_data_is_refused()
    {
        using var dir = new TempDirectory();
        Assert.Equal(0, CliRun.Of("train", "--dataset", "iris", "--layers", "4,3", "--epochs", "1", "--out", dir.File("run")).ExitCode);
        CliRun.Of("explain", "--state", dir.File("run/states/000001.safetensors"), "--dataset", "iris", "--row", "150").AssertRefused("--row: 150 is out of range (must be < 150, the data rows of iris");
    }

    [Fact]
    public void Json_writes_infinite_values_as_strings_instead_of_failing()
    {
        using var dir = new TempDirectory();
        var (weights, data) = EvaluatePredictTests.Overflowing(dir);
        var run = CliRun.Of("explain", "--state", weights, "--data", data, "--target", "y", "--json");
        Assert.True(run.ExitCode == 0, run.Error);
        using var json = JsonDocument.Parse(run.Out);
        Assert.Equal("Infinity", json.RootElement.GetProperty("loss").GetProperty("value").GetString());
        var dW = json.RootElement.GetProperty("backward")[0].GetProperty("dL_dW").GetProperty("values")[0];
        Assert.Equal("Infinity", dW.GetString());
    }
}
