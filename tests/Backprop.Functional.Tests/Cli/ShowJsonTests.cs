using System.Text.Json;
using Backprop.Functional.IO;
using Backprop.Functional.Tests.Support;
using LanguageExt;
using LanguageExt.ClassInstances;

namespace Backprop.Functional.Tests.Cli;

/// <summary><c>show --json</c>: what show prints, as one JSON object, for a state, a model file and a weights file.</summary>
public sealed class ShowJsonTests(IrisRun iris) : IClassFixture<IrisRun>
{
    private static JsonElement Show(params string[] args)
    {
        var run = CliRun.Of(["show", .. args, "--json"]);
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Single(run.Lines);
        return JsonDocument.Parse(run.Out).RootElement.Clone();
    }

    [Fact]
    public void A_state_of_a_run_directory_holds_its_epoch_metrics_network_schema_optimizer_and_hashes()
    {
        var json = Show(iris.Path, "--epoch", "4");
        var file = Path.Combine(iris.Path, "states", "000004.safetensors");
        var checkpoint = (Checkpoint)StateFile.Decode(File.ReadAllBytes(file), file);
        Assert.Equal("state", json.GetProperty("kind").GetString());
        Assert.Equal(file, json.GetProperty("path").GetString());
        Assert.Equal(Fingerprint.Of(File.ReadAllBytes(file)), json.GetProperty("file_sha256").GetString());
        Assert.Equal((4, checkpoint.State.Step), (json.GetProperty("epoch").GetInt32(), json.GetProperty("step").GetInt64()));
        var metrics = json.GetProperty("metrics");
        Assert.Equal(checkpoint.Metrics!.Loss, metrics.GetProperty("loss").GetDouble());
        Assert.Equal(checkpoint.Metrics.ValidationLoss, metrics.GetProperty("val_loss").GetDouble());
        Assert.Equal(checkpoint.Metrics.ValidationAccuracy, metrics.GetProperty("val_accuracy").GetDouble());
        Assert.Equal([4, 5, 3], json.GetProperty("network").GetProperty("widths").EnumerateArray().Select(w => w.GetInt32()));
        Assert.Equal(["tanh", "softmax"], json.GetProperty("network").GetProperty("activations").EnumerateArray().Select(a => a.GetString()));
        Assert.Equal(43, json.GetProperty("network").GetProperty("parameters").GetInt32());
        Assert.Equal("cross-entropy", json.GetProperty("loss_function").GetString());
        Assert.Equal(["setosa", "versicolor", "virginica"], json.GetProperty("data").GetProperty("classes").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal("classification", json.GetProperty("data").GetProperty("task").GetString());
        Assert.Equal(4, json.GetProperty("data").GetProperty("standardization").GetProperty("mean").GetArrayLength());
        Assert.Equal(JsonValueKind.Null, json.GetProperty("data").GetProperty("target_standardization").ValueKind);
        Assert.Equal(["m", "v"], json.GetProperty("optimizer").GetProperty("slot_norms").EnumerateObject().Select(p => p.Name).Order());
        Assert.Equal(checkpoint.PreviousSha256, json.GetProperty("previous_sha256").GetString());
        Assert.Equal(checkpoint.DataSha256, json.GetProperty("data_sha256").GetString());
        Assert.Equal("adam", json.GetProperty("config").GetProperty("optimizer").GetString());
        Assert.Equal(4, json.GetProperty("layers").GetArrayLength());
        var weight = json.GetProperty("layers")[0];
        Assert.Equal((0, "weight"), (weight.GetProperty("layer").GetInt32(), weight.GetProperty("tensor").GetString()));
        Assert.Equal([5, 4], weight.GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()));
        var values = Backprop.Functional.Numerics.Dense.Data(checkpoint.State.Network.Layers[0].Weight);
        Assert.Equal(Math.Sqrt(values.Sum(v => v * v)), weight.GetProperty("norm").GetDouble());
        Assert.Equal(values.Min(), weight.GetProperty("min").GetDouble());
    }

    [Fact]
    public void State_0_has_no_metrics_and_no_previous_state()
    {
        var json = Show(iris.Path, "--epoch", "0");
        Assert.Equal(JsonValueKind.Null, json.GetProperty("metrics").ValueKind);
        Assert.Equal(JsonValueKind.Null, json.GetProperty("previous_sha256").ValueKind);
    }

    [Fact]
    public void A_model_file_holds_the_epoch_and_hash_of_its_state()
    {
        var json = Show(Path.Combine(iris.Path, "final.safetensors"));
        Assert.Equal(("model", 7), (json.GetProperty("kind").GetString(), json.GetProperty("epoch").GetInt32()));
        Assert.Equal(Fingerprint.Of(File.ReadAllBytes(Path.Combine(iris.Path, "states", "000007.safetensors"))), json.GetProperty("state_sha256").GetString());
        Assert.False(json.TryGetProperty("optimizer", out _));
        Assert.Equal("classification", json.GetProperty("data").GetProperty("task").GetString());
    }

    [Fact]
    public void A_weights_file_without_metadata_says_its_activations_are_assumed()
    {
        using var dir = new TempDirectory();
        var path = dir.File("bare.safetensors");
        File.WriteAllBytes(path, SafeTensors.Serialize(new SafeTensorsFile(
            new[] { new Tensor("layers.0.weight", new long[] { 2, 3 }.ToArr(), [1, 2, 3, 4, 5, 6]), new Tensor("layers.0.bias", new long[] { 2 }.ToArr(), [0.5, -0.5]) }.ToArr(),
            LanguageExt.Map<OrdString, string, string>.Empty)));
        var json = Show(path);
        Assert.Equal("weights", json.GetProperty("kind").GetString());
        Assert.True(json.GetProperty("activations_assumed").GetBoolean());
        Assert.Equal([3, 2], json.GetProperty("network").GetProperty("widths").EnumerateArray().Select(w => w.GetInt32()));
    }
}
