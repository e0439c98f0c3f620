using Backprop.Functional.IO;
using Backprop.Functional.Numerics;
using Backprop.Functional.Tests.Support;
using LanguageExt;
using LanguageExt.ClassInstances;

namespace Backprop.Functional.Tests.Cli;

public sealed class TrainCommandTests
{
    [Fact]
    public void Train_without_options_runs_the_seed_demo_and_prints_200_epochs_and_the_time()
    {
        var run = CliRun.Of("train");
        Assert.Equal(0, run.ExitCode);
        var epochs = run.Lines.Where(l => l.StartsWith("Epoch ")).ToArray();
        Assert.Equal(200, epochs.Length);
        Assert.StartsWith("Epoch 1: loss ", epochs[0]);
        Assert.StartsWith("Epoch 200: loss ", epochs[^1]);
        Assert.EndsWith("seconds elapsed.", run.Lines[^1]);
        double Loss(string line) => double.Parse(line.Split("loss ")[1], System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(Loss(epochs[^1]) < Loss(epochs[0]));
    }

    [Theory]
    [InlineData(null)]
    [InlineData(4)]
    public void Train_without_out_folds_its_epochs_to_the_losses_and_weights_of_a_run_that_keeps_every_state(int? batch)
    {
        // Without --out the epochs run through Training.Epochs in chunks; with it, one Training.Epoch at a time.
        using var dir = new TempDirectory();
        var c = new RunCase(30, 5, 2, [8], "tanh", "adam", batch, 300, 1, 3);
        var args = c.TrainArguments(dir.Path);
        // The held-out test line evaluates the final network, so it pins the final weights too.
        var kept = CliRun.Of([.. args, "--test-split", "0.2", "--out", dir.File("kept")]);
        var folded = CliRun.Of([.. args, "--test-split", "0.2"]);
        Assert.True(kept.ExitCode == 0 && folded.ExitCode == 0, kept.Error + folded.Error);
        string[] Results(CliRun run) => [.. run.Lines.Where(l => l.StartsWith("Epoch ") || l.StartsWith("test: "))];
        Assert.Equal(301, Results(folded).Length);
        Assert.Equal(Results(kept), Results(folded));
    }

    [Fact]
    public void Train_from_the_fixture_weights_prints_the_seed_notebooks_losses()
    {
        using var dir = new TempDirectory();
        var fixture = SeedFixtureTests.Fixture();
        var start = NetworkTensors.ToFile((Network)NetworkTensors.FromFile(SeedFixtureTests.InitialWeights(fixture), "fixture", Sigmoid.Instance, Sigmoid.Instance), null, Map<OrdString, string, string>.Empty);
        System.IO.File.WriteAllBytes(dir.File("start.safetensors"), SafeTensors.Serialize(start));
        var x = fixture.Find("x").Map(t => t.Values).IfNone([]);
        var y = fixture.Find("y").Map(t => t.Values).IfNone([]);
        var csv = string.Join(",", x.Select((_, i) => $"x{i}").Concat(["y0", "y1"])) + "\n" +
                  string.Join(",", x.Concat(y).Select(v => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture))) + "\n";
        var data = dir.Write("sample.csv", csv);

        // With data, every option the seed demo uses by default is given: sgd, one full batch, nothing standardized.
        var run = CliRun.Of("train", "--init", dir.File("start.safetensors"), "--data", data, "--target", "y0,y1", "--optimizer", "sgd", "--batch-size", "all",
            "--no-standardize", "--no-standardize-target", "--epochs", "200", "--out", dir.File("run"));

        Assert.Equal(0, run.ExitCode);
        var printed = run.Lines.Where(l => l.StartsWith("Epoch ")).Select(l => double.Parse(l.Split("loss ")[1], System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        var expected = fixture.Find("seed.losses").Map(t => t.Values).IfNone([]);
        Assert.Equal(expected.Length, printed.Length);
        for (var i = 0; i < expected.Length; i++) Assert.True(Math.Abs(printed[i] - expected[i]) <= 1e-12 * Math.Abs(expected[i]), $"epoch {i + 1}");
        var metrics = System.IO.File.ReadAllLines(dir.File("run/metrics.csv"));
        Assert.StartsWith("epoch,loss", metrics[0]);
        Assert.Equal(201, metrics.Length);
        var final = (SafeTensorsFile)SafeTensors.Parse(System.IO.File.ReadAllBytes(dir.File("run/final.safetensors")));
        Assert.Equal([32L, 10L], final.Find("layers.0.weight").Map(t => t.Shape.ToArray()).IfNone([]));
    }

    [Fact]
    public void Gradients_writes_the_mean_loss_gradient_with_the_weights_names_and_shapes()
    {
        using var dir = new TempDirectory();
        var c = new NetworkCase([3, 4, 2], ["tanh", "sigmoid"], 5, 21);
        System.IO.File.WriteAllBytes(dir.File("w.safetensors"), SafeTensors.Serialize(NetworkTensors.ToFile(c.Network, MeanSquaredError.Instance, Map<OrdString, string, string>.Empty)));
        var x = Dense.ToRowMajor(c.Data.Inputs);
        var y = Dense.ToRowMajor(c.Data.Targets);
        var lines = Enumerable.Range(0, 5).Select(r => string.Join(",", x.Skip(3 * r).Take(3).Concat(y.Skip(2 * r).Take(2)).Select(v => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture))));
        var data = dir.Write("d.csv", "a,b,c,t1,t2\n" + string.Join("\n", lines) + "\n");

        var run = CliRun.Of("gradients", "--state", dir.File("w.safetensors"), "--data", data, "--target", "t1,t2", "--out", dir.File("g.safetensors"));

        Assert.Equal(0, run.ExitCode);
        var written = (SafeTensorsFile)SafeTensors.Parse(System.IO.File.ReadAllBytes(dir.File("g.safetensors")));
        var expected = Training.Gradient(c.Network, MeanSquaredError.Instance, c.Data);
        for (var i = 0; i < 2; i++)
        {
            Assert.True(Bits.Same(Dense.ToRowMajor(expected.Layers[i].Weight), written.Find($"layers.{i}.weight").Map(t => t.Values).IfNone([])));
            Assert.True(Bits.Same(Dense.Data(expected.Layers[i].Bias), written.Find($"layers.{i}.bias").Map(t => t.Values).IfNone([])));
        }
    }
}
