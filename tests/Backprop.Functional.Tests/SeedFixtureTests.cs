using Backprop.Functional.IO;
using Backprop.Functional.Numerics;

namespace Backprop.Functional.Tests;

/// <summary>
/// The seed notebook's own numpy run, recorded in TestData/seed-trajectory.safetensors:
/// initial weights, x, y, the 200 printed losses and the final weights.
/// </summary>
public sealed class SeedFixtureTests
{
    private const double Tolerance = 1e-12;

    internal static SafeTensorsFile Fixture() =>
        (SafeTensorsFile)SafeTensors.Parse(File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "TestData", "seed-trajectory.safetensors")));

    /// <summary>
    /// The fixture's initial weights as a weights file: the fixture also holds the data, the losses
    /// and the final weights, which a weights file may not (its stray tensors are refused).
    /// </summary>
    internal static SafeTensorsFile InitialWeights(SafeTensorsFile fixture) =>
        fixture with { Tensors = fixture.Tensors.Filter(t => t.Name.StartsWith("layers.", StringComparison.Ordinal)) };

    private static (Network Network, Dataset Data) Start(SafeTensorsFile file)
    {
        var network = (Network)NetworkTensors.FromFile(InitialWeights(file), "fixture", Sigmoid.Instance, Sigmoid.Instance);
        var x = file.Find("x").Map(t => t.Values).IfNone([]);
        var y = file.Find("y").Map(t => t.Values).IfNone([]);
        return (network, Dataset.OneSample(x, y));
    }

    [Fact]
    public void The_fixture_metadata_states_the_learning_rate_relation_the_readme_documents()
    {
        var file = Fixture();
        Assert.Equal("0.01", file.Meta("alpha").IfNone(""));
        Assert.Contains("alpha * n_outputs", file.Meta("note").IfNone(""));
        Assert.Equal(SeedDemo.LearningRate, 0.01 * 2);
    }

    [Fact]
    public void Two_hundred_epochs_reproduce_the_seed_notebooks_losses_and_final_weights()
    {
        var file = Fixture();
        var (network, data) = Start(file);
        var config = new TrainConfig(MeanSquaredError.Instance, new Sgd(new ConstantSchedule(SeedDemo.LearningRate)));
        var expectedLosses = file.Find("seed.losses").Map(t => t.Values).IfNone([]);
        Assert.Equal(SeedDemo.Epochs, expectedLosses.Length);

        var state = TrainState.Initial(network, config.Optimizer, Rng.FromSeed(0));
        for (var epoch = 0; epoch < SeedDemo.Epochs; epoch++)
        {
            var result = Training.Epoch(config, state, data);
            AssertClose(expectedLosses[epoch], result.Loss, $"loss printed at the seed's epoch {epoch}");
            state = result.State;
        }

        for (var i = 0; i < state.Network.Layers.Count; i++)
        {
            var layer = state.Network.Layers[i];
            var weight = file.Find($"final.layers.{i}.weight").Map(t => t.Values).IfNone([]);
            var bias = file.Find($"final.layers.{i}.bias").Map(t => t.Values).IfNone([]);
            var actualWeight = Dense.ToRowMajor(layer.Weight);
            for (var k = 0; k < weight.Length; k++) AssertClose(weight[k], actualWeight[k], $"final.layers.{i}.weight[{k}]");
            for (var k = 0; k < bias.Length; k++) AssertClose(bias[k], layer.Bias[k], $"final.layers.{i}.bias[{k}]");
        }
    }

    private static void AssertClose(double expected, double actual, string what)
    {
        var error = Math.Abs(actual - expected) / Math.Abs(expected);
        Assert.True(error <= Tolerance, $"{what}: expected {expected:R}, got {actual:R} (relative error {error:E2})");
    }
}
