using System.Text.Json;
using Backprop.Functional.IO;
using Backprop.Functional.Numerics;
using Backprop.Functional.Tests.Support;

namespace Backprop.Functional.Tests;

/// <summary>
/// explain tells the truth for every optimizer: the slot values it shows for an element are the
/// state's tensors there, before and after, and the change it shows is the one the real step makes.
/// </summary>
public sealed class StepExplanationTests
{
    private static readonly Dataset Data = Batch(6, 4, 3, seed: 5);

    private static Dataset Batch(int rows, int inputs, int outputs, ulong seed)
    {
        var rng = Rng.FromSeed(seed);
        (var x, rng) = rng.Normals(rows * inputs, 0, 1);
        (var y, _) = rng.Normals(rows * outputs, 0, 1);
        return new Dataset(Dense.FromRowMajor(rows, inputs, x), Dense.FromRowMajor(rows, outputs, y));
    }

    private static Optimizer Named(string name, double? clip = null) =>
        (Optimizer)Optimizer.Create(name, new StepSchedule(0.05, 2, 0.5), 0.9, 0.9, 0.99, 1e-8, 0.01, clip);

    /// <summary>A state a few steps in, so that every slot holds something.</summary>
    private static (TrainConfig Config, TrainState State) Trained(Optimizer optimizer)
    {
        var (network, rng) = ((Network, Rng))NetworkFactory.Create([4, 5, 3], Tanh.Instance, Identity.Instance, new XavierNormal(), Rng.FromSeed(3));
        var config = new TrainConfig(MeanSquaredError.Instance, optimizer);
        var state = TrainState.Initial(network, optimizer, rng);
        for (var i = 0; i < 3; i++) state = Training.Step(config, state, Data).State;
        return (config, state);
    }

    private static double At(Gradients g, int layer) => g.Layers[layer].Weight[0, 0];

    [Theory]
    [InlineData("momentum", new[] { "velocity" })]
    [InlineData("nesterov", new[] { "velocity" })]
    [InlineData("adam", new[] { "m", "v" })]
    [InlineData("adamw", new[] { "m", "v" })]
    [InlineData("amsgrad", new[] { "m", "v", "v_max" })]
    [InlineData("sgd", new string[0])]
    public void The_explained_slots_are_the_states_tensors_and_the_explained_change_is_the_real_steps(string name, string[] slots)
    {
        var optimizer = Named(name, clip: 0.5);
        var (config, state) = Trained(optimizer);
        var next = Training.Step(config, state, Data).State;
        var explained = StepExplanation.Of(state.Network, config.Loss, optimizer, state.Optimizer, Data).Update!;

        Assert.Equal(state.Optimizer.Count + 1, explained.Step);
        for (var layer = 0; layer < state.Network.Layers.Count; layer++)
        {
            var element = explained.Elements[layer];
            Assert.Equal($"W{layer}[0,0]", element.Name);
            var shown = element.Steps.SelectMany(s => s.Slots).ToArray();
            Assert.Equal(slots, shown.Select(s => s.Slot));
            foreach (var slot in shown)
            {
                Assert.True(Bits.Same(At(state.Optimizer.Slot(slot.Slot), layer), slot.Before), $"{name} {slot.Slot} before");
                Assert.True(Bits.Same(At(next.Optimizer.Slot(slot.Slot), layer), slot.After), $"{name} {slot.Slot} after");
            }
            Assert.True(Bits.Same(state.Network.Layers[layer].Weight[0, 0], element.Before));
            Assert.True(Bits.Same(next.Network.Layers[layer].Weight[0, 0], element.After), $"{name}: θ after");
            Assert.True(Bits.Same(element.Before + element.Delta, element.After), $"{name}: θ + Δθ");
            Assert.True(Bits.Same(At(Training.Gradient(state.Network, config.Loss, Data), layer), element.Gradient));
            // Each transformation starts from what the one before it made, and the last one's u is Δθ.
            Assert.True(Bits.Same(element.Gradient, element.Steps[0].In));
            for (var i = 1; i < element.Steps.Count; i++) Assert.True(Bits.Same(element.Steps[i - 1].Out, element.Steps[i].In));
            Assert.True(Bits.Same(element.Steps[^1].Out, element.Delta));
        }
    }

    [Fact]
    public void Adams_rule_and_its_bias_corrected_moments_follow_from_the_shown_values()
    {
        var optimizer = Named("adam");
        var (config, state) = Trained(optimizer);
        var update = StepExplanation.Of(state.Network, config.Loss, optimizer, state.Optimizer, Data).Update!;
        var adam = update.Elements[0].Steps.Single(s => s.Rule.Name == "scale_by_adam");
        Assert.Contains("m ← β1·m + (1 − β1)·u", adam.Rule.Lines);
        Assert.Contains("u ← m̂/(√v̂ + ε)", adam.Rule.Lines);
        var t = state.Optimizer.Count + 1;
        Assert.Contains(("t", (double)t), adam.Rule.Constants);
        var (m, v) = (adam.Slots.Single(s => s.Slot == "m").After, adam.Slots.Single(s => s.Slot == "v").After);
        var mHat = adam.Derived.Single(d => d.Symbol == "m̂").Value;
        var vHat = adam.Derived.Single(d => d.Symbol == "v̂").Value;
        Assert.Equal(m / (1 - Math.Pow(0.9, t)), mHat, 12);
        Assert.Equal(v / (1 - Math.Pow(0.99, t)), vHat, 12);
        Assert.Equal(mHat / (Math.Sqrt(vHat) + 1e-8), adam.Out, 12);
        var rate = update.Elements[0].Steps.Single(s => s.Rule.Name.StartsWith("scale_by_learning_rate", StringComparison.Ordinal));
        Assert.Contains(("lr(t)", 0.05 * Math.Pow(0.5, state.Optimizer.Count / 2)), rate.Rule.Constants);
    }

    [Fact]
    public void Clipping_shows_its_factor()
    {
        var optimizer = Named("momentum", clip: 1e-3);
        var (config, state) = Trained(optimizer);
        var clip = StepExplanation.Of(state.Network, config.Loss, optimizer, state.Optimizer, Data).Update!.Elements[0].Steps[0];
        Assert.Equal("clip_by_global_norm", clip.Rule.Name);
        var factor = clip.Rule.Constants.Single(c => c.Symbol == "c").Value;
        Assert.True(factor < 1);
        Assert.True(Bits.Same(clip.In * factor, clip.Out));
    }

    [Theory]
    [InlineData("momentum", "velocity")]
    [InlineData("adam", "v")]
    [InlineData("amsgrad", "v_max")]
    public void The_command_shows_the_saved_states_slots_and_the_libraries_step(string optimizer, string slot)
    {
        using var dir = new TempDirectory();
        Assert.Equal(0, CliRun.Of("train", "--dataset", "iris", "--layers", "4,5,3", "--epochs", "2", "--optimizer", optimizer, "--lr", "0.01", "--out", dir.File("run"), "--plain").ExitCode);
        var path = dir.File("run/states/000002.safetensors");
        var checkpoint = (Checkpoint)StateFile.Read(path);
        var saved = At(checkpoint.State.Optimizer.Slot(slot), 0);

        var text = CliRun.Of("explain", "--state", path, "--dataset", "iris", "--row", "3");
        Assert.True(text.ExitCode == 0, text.Error);
        Assert.Contains($"Update: step {checkpoint.State.Optimizer.Count + 1} of {optimizer}(", text.Out);
        Assert.Contains($"{slot} {saved.ToString("R", System.Globalization.CultureInfo.InvariantCulture)} → ", text.Out);
        Assert.DoesNotContain("for plain SGD", text.Out);

        var json = CliRun.Of("explain", "--state", path, "--dataset", "iris", "--row", "3", "--json");
        using var document = JsonDocument.Parse(json.Out);
        var element = document.RootElement.GetProperty("update")[0].GetProperty("element");
        var shownSlot = element.GetProperty("steps").EnumerateArray().Select(s => s.GetProperty("slots")).First(s => s.TryGetProperty(slot, out _)).GetProperty(slot);
        Assert.True(Bits.Same(saved, shownSlot.GetProperty("before").GetDouble()));

        // The library's step from the same state on the same row moves W0[0,0] by the shown Δθ, to the shown value.
        var model = (Model)ModelReader.Read(path);
        var table = (CsvTable)BuiltInDatasets.Load("iris").Map(d => d.Table);
        var one = table.Rows(3, 1);
        var batch = (Dataset)model.Data(one, (DataSchema)model.SchemaFor(one, null));
        var run = (Functional.Runs.PreparedRun)Functional.Runs.RunPlan.Prepare(new Functional.Runs.RunSpec { Dataset = "iris", Layers = [4, 5, 3], Optimizer = optimizer, Lr = 0.01 });
        var next = Training.Step(run.Config with { BatchSize = null }, checkpoint.State, batch).State;
        Assert.True(Bits.Same(next.Network.Layers[0].Weight[0, 0], element.GetProperty("theta_after").GetDouble()));
        Assert.True(Bits.Same(next.Network.Layers[0].Weight[0, 0] - checkpoint.State.Network.Layers[0].Weight[0, 0], next.Network.Layers[0].Weight[0, 0] - element.GetProperty("theta").GetDouble()));
        Assert.True(Bits.Same(At(next.Optimizer.Slot(slot), 0), shownSlot.GetProperty("after").GetDouble()));
        Assert.True(Bits.Same(element.GetProperty("theta").GetDouble() + element.GetProperty("delta").GetDouble(), element.GetProperty("theta_after").GetDouble()));
        Assert.Equal(JsonValueKind.Array, document.RootElement.GetProperty("update_rule").GetProperty("transformations").ValueKind);
    }
}
