using System.Text.Json;
using Backprop.Cli;
using Backprop.Cli.Commands;
using Backprop.Functional.IO;
using Backprop.Functional.Numerics;
using Backprop.Functional.Tests.Support;

namespace Backprop.Functional.Tests.Cli;

/// <summary>gradcheck on saved states, with the data read as in training; exit 3 names the failing tensor.</summary>
public sealed class GradCheckCommandTests(StandardizedRuns runs) : IClassFixture<StandardizedRuns>, IDisposable
{
    private readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    private static CliRun Passes(params string[] args)
    {
        var run = CliRun.Of(["gradcheck", .. args]);
        Assert.True(run.ExitCode == 0, run.Out + run.Error);
        if (!args.Contains("--json")) Assert.Contains("passed: all", run.Out);
        return run;
    }

    [Fact]
    public void The_seed_demo_initial_network_passes() =>
        Assert.Contains("gradient check of the seed demo's initial network: mean loss over 1 row", Passes().Out);

    [Fact]
    public void A_trained_seed_demo_state_passes_on_the_seed_sample()
    {
        var run = dir.File("seed");
        var train = CliRun.Of("train", "--epochs", "3", "--out", run);
        Assert.True(train.ExitCode == 0, train.Error);
        Passes("--state", Path.Combine(run, "states", "000003.safetensors"));
        Passes("--state", Path.Combine(run, "final.safetensors"));
    }

    [Fact]
    public void An_iris_classification_state_with_standardization_passes() =>
        Passes("--state", runs.LastState("classification"), "--dataset", "iris");

    [Fact]
    public void A_regression_model_with_standardized_targets_passes() =>
        Passes("--state", runs.Final("regression"), "--dataset", "iris", "--rows", "10");

    [Fact]
    public void The_report_is_taken_on_the_data_as_trained_on_the_first_rows()
    {
        // Same rows, same transform as gradients: the loss reported is the state's loss on the standardized first 10 rows.
        var state = (Checkpoint)StateFile.Read(runs.LastState("regression"));
        var table = (CsvTable)BuiltInDatasets.Load("iris").Map(d => d.Table);
        var model = (Model)ModelReader.Read(runs.LastState("regression"));
        var first = table.Rows(0, 10);
        var data = (Dataset)model.Data(first, state.Schema);
        var expected = Training.Loss(state.State.Network, state.Loss, data);

        var json = JsonDocument.Parse(Passes("--state", runs.LastState("regression"), "--dataset", "iris", "--rows", "10", "--json").Out).RootElement;

        Assert.Equal(10, json.GetProperty("rows").GetInt32());
        Assert.Equal(expected, json.GetProperty("loss").GetDouble());
        Assert.True(json.GetProperty("passed").GetBoolean());
        Assert.Equal(1e-6, json.GetProperty("tolerance").GetProperty("relative").GetDouble());
        var tensors = json.GetProperty("tensors").EnumerateArray().ToArray();
        Assert.Equal(["layers.0.weight", "layers.0.bias", "layers.1.weight", "layers.1.bias"], tensors.Select(t => t.GetProperty("tensor").GetString()!).ToArray());
        Assert.All(tensors, t => Assert.True(t.GetProperty("max_relative_error").GetDouble() <= 1e-6));
        Assert.All(tensors, t => Assert.True(t.GetProperty("max_absolute_at").TryGetProperty("row", out _)));
    }

    [Fact]
    public void A_wrong_gradient_exits_3_and_names_the_tensor()
    {
        var c = new NetworkCase([3, 4, 2], ["tanh", "sigmoid"], 3, 11);
        var gradient = Training.Gradient(c.Network, c.Loss, c.Data);
        var bias = (double[])Dense.Data(gradient.Layers[1].Bias).Clone();
        bias[1] *= 1.01;
        var wrong = gradient with { Layers = gradient.Layers.SetItem(1, gradient.Layers[1] with { Bias = Dense.Vector(bias) }) };
        var report = GradCheckReport.Of(c.Network, c.Loss, c.Data, wrong, new GradCheckTolerance());
        using var output = new StringWriter();
        using var errors = new StringWriter();

        var code = GradCheckCommand.Print(new CommandContext(output, errors), "test", report, json: false);

        Assert.Equal(ExitCodes.Mismatch, code);
        Assert.Equal(3, code);
        Assert.Contains("FAILED layers.1.bias[1,0]", output.ToString());
        Assert.DoesNotContain("passed", output.ToString());
    }

    [Fact]
    public void A_tolerance_below_the_rounding_noise_fails_with_exit_3() =>
        Assert.Equal(3, CliRun.Of("gradcheck", "--state", runs.LastState("classification"), "--dataset", "iris", "--tolerance", "1e-15").ExitCode);

    [Theory]
    [InlineData("--rows", "0", "--rows: 0 is out of range")]
    [InlineData("--tolerance", "0", "--tolerance: 0 is out of range")]
    public void Out_of_range_values_are_usage_errors(string flag, string value, string message)
    {
        var run = CliRun.Of("gradcheck", flag, value).AssertRefused(message);
        Assert.Equal(ExitCodes.Usage, run.ExitCode);
    }

    [Fact]
    public void Data_without_a_state_is_refused() =>
        CliRun.Of("gradcheck", "--dataset", "iris").AssertRefused("--data/--dataset need --state");
}
