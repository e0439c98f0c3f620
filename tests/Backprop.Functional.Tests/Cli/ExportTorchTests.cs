using Backprop.Functional.IO;
using Backprop.Functional.Numerics;
using Backprop.Functional.Tests.Support;

namespace Backprop.Functional.Tests.Cli;

/// <summary>A state exported for PyTorch comes back: --init starts from its exact (f64) or widened (f32) weights, and every reader takes it.</summary>
public sealed class ExportTorchTests : IClassFixture<ExportTorchTests.Trained>
{
    /// <summary>A small iris run, trained once for the class.</summary>
    public sealed class Trained : IDisposable
    {
        public TempDirectory Directory { get; } = new();

        public Trained()
        {
            var run = CliRun.Of("train", "--dataset", "iris", "--layers", "4,8,3", "--epochs", "10", "--seed", "1", "--out", Run);
            Assert.True(run.ExitCode == 0, run.Error);
        }

        public string Run => Directory.File("run");

        public string Final => Path.Combine(Run, "final.safetensors");

        public Network Network => ((Model)ModelReader.Read(Final)).Network;

        public void Dispose() => Directory.Dispose();
    }

    private readonly Trained trained;

    public ExportTorchTests(Trained trained) => this.trained = trained;

    private string Export(TempDirectory dir, string dtype)
    {
        var path = dir.File($"torch-{dtype}.safetensors");
        var run = CliRun.Of("export", trained.Final, "--format", "torch", "--dtype", dtype, "--out", path);
        Assert.True(run.ExitCode == 0, run.Error);
        return path;
    }

    /// <summary>The network of state 0 of a run started with --init <paramref name="weights"/>.</summary>
    private static Network InitialNetwork(TempDirectory dir, string weights)
    {
        var run = CliRun.Of("train", "--dataset", "iris", "--init", weights, "--epochs", "1", "--seed", "1", "--out", dir.File("again"));
        Assert.True(run.ExitCode == 0, run.Error);
        return ((Model)ModelReader.Read(dir.File("again/states/000000.safetensors"))).Network;
    }

    [Fact]
    public void An_f64_export_given_to_init_starts_from_the_same_bits()
    {
        using var dir = new TempDirectory();
        var again = InitialNetwork(dir, Export(dir, "f64"));
        Assert.True(Bits.Same(Bits.Of(trained.Network), Bits.Of(again)));
        Assert.Equal(trained.Network.Activations, again.Activations);
    }

    [Fact]
    public void An_f32_export_given_to_init_starts_from_each_weight_rounded_once_to_float()
    {
        using var dir = new TempDirectory();
        var again = InitialNetwork(dir, Export(dir, "f32"));
        var rounded = Bits.Of(trained.Network).Select(v => (double)(float)v).ToArray();
        Assert.True(Bits.Same(rounded, Bits.Of(again)));
        Assert.False(Bits.Same(Bits.Of(trained.Network), Bits.Of(again))); // the rounding is real
    }

    [Fact]
    public void Export_prints_the_three_lines_of_python_that_load_it()
    {
        using var dir = new TempDirectory();
        var run = CliRun.Of("export", trained.Final, "--format", "torch", "--out", dir.File("t.safetensors"));
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Equal("import torch, safetensors.torch", run.Lines[1]);
        Assert.Equal("model = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.Tanh(), torch.nn.Linear(8, 3), torch.nn.Softmax(dim=1))", run.Lines[2]);
        Assert.StartsWith("model.load_state_dict(", run.Lines[3]);
    }

    [Fact]
    public void Predict_evaluate_show_and_gradients_read_an_f64_export_as_the_model_it_was()
    {
        using var dir = new TempDirectory();
        var torch = Export(dir, "f64");
        Assert.Equal(0, CliRun.Of("predict", "--state", trained.Final, "--dataset", "iris", "--out", dir.File("a.csv")).ExitCode);
        var predict = CliRun.Of("predict", "--state", torch, "--dataset", "iris", "--out", dir.File("b.csv"));
        Assert.True(predict.ExitCode == 0, predict.Error);
        Assert.Equal(File.ReadAllText(dir.File("a.csv")), File.ReadAllText(dir.File("b.csv")));
        Assert.Equal(CliRun.Of("evaluate", "--state", trained.Final, "--dataset", "iris").Out, CliRun.Of("evaluate", "--state", torch, "--dataset", "iris").Out);
        var show = CliRun.Of("show", torch);
        Assert.True(show.ExitCode == 0, show.Error);
        Assert.Contains("4-8-3 (tanh, softmax)", show.Out);
        var gradients = CliRun.Of("gradients", "--state", torch, "--dataset", "iris", "--out", dir.File("g.safetensors"));
        Assert.True(gradients.ExitCode == 0, gradients.Error);
    }

    [Fact]
    public void A_state_dict_without_metadata_predicts_with_the_activations_named_on_the_command_line()
    {
        using var dir = new TempDirectory();
        var network = trained.Network;
        var tensors = network.Layers.SelectMany((l, i) => new (string, long[], double[])[]
        {
            ($"{2 * i}.weight", [l.OutputWidth, l.InputWidth], Dense.ToRowMajor(l.Weight).Select(v => (double)(float)v).ToArray()),
            ($"{2 * i}.bias", [l.OutputWidth], Dense.Data(l.Bias).Select(v => (double)(float)v).ToArray()),
        }).ToArray();
        var bare = dir.File("bare.safetensors");
        File.WriteAllBytes(bare, TorchFile.Of("F32", ptMetadata: true, tensors));
        var data = dir.Write("rows.csv", "a,b,c,d\n0.1,0.2,0.3,0.4\n-1,0.5,2,1\n");

        CliRun.Of("predict", "--state", bare, "--data", data, "--out", dir.File("p.csv")).AssertRefused(bare, "has no activations metadata", "--activation", "--output-activation");
        var run = CliRun.Of("predict", "--state", bare, "--data", data, "--activation", "tanh", "--output-activation", "softmax", "--out", dir.File("p.csv"));
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Equal(3, File.ReadAllLines(dir.File("p.csv")).Length);
        CliRun.Of("predict", "--state", trained.Final, "--dataset", "iris", "--activation", "relu", "--out", dir.File("q.csv"))
            .AssertRefused("only for a weights file without metadata");
        CliRun.Of("export", bare, "--format", "onnx", "--out", dir.File("bare.onnx")).AssertRefused("has no activations metadata", "--activation");
        var export = CliRun.Of("export", bare, "--format", "onnx", "--activation", "tanh", "--output-activation", "softmax", "--out", dir.File("bare.onnx"));
        Assert.True(export.ExitCode == 0, export.Error);
        Assert.Contains("4-8-3 (tanh, softmax)", export.Out);

        // show names what it assumed, and takes the same flags.
        Assert.Contains("activations shown as sigmoid", CliRun.Of("show", bare).Out);
        var shown = CliRun.Of("show", bare, "--activation", "tanh", "--output-activation", "softmax");
        Assert.True(shown.ExitCode == 0, shown.Error);
        Assert.Contains("(tanh, softmax)", shown.Out);
        Assert.Contains("\"activations_assumed\":true", CliRun.Of("show", bare, "--activation", "relu", "--json").Out);
        CliRun.Of("show", trained.Final, "--activation", "relu").AssertRefused("only for a weights file without metadata");
    }
}
