using System.Collections.Concurrent;
using System.Text.Json;
using Backprop.Functional.IO;
using Backprop.Functional.Tests.Support;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Backprop.Functional.Tests.IO;

/// <summary>Laws of <see cref="RunPlan"/>: a resolved spec resolves to itself, whichever options were left to the defaults.</summary>
public sealed class RunPlanTests
{
    /// <summary>A spec and the data it names: the seed demo, iris (classification), iris petal widths or house prices (regression).</summary>
    public sealed record SpecCase(string Source, RunSpec Spec)
    {
        public override string ToString() => $"{Source}: {JsonSerializer.Serialize(Spec, RunSpec.Json).ReplaceLineEndings(" ")}";
    }

    private static readonly Lazy<string> Houses = new(() =>
    {
        var path = Path.Combine(Path.GetTempPath(), $"backprop-tests-houses-{Environment.ProcessId}.csv");
        File.WriteAllText(path, HouseCsv.Text(300, 7));
        return path;
    });

    /// <summary>Options left out or given, each within what its data accepts, so that every generated spec resolves.</summary>
    public static class Specs
    {
        public static Arbitrary<SpecCase> Cases() => Arb.From(
            from source in Gen.Elements("seed", "iris", "petals", "houses")
            let classification = source == "iris"
            let inputs = source switch { "seed" => 10, "iris" => 4, "petals" => 3, _ => 8 }
            let outputs = source switch { "seed" => 2, "iris" => 3, _ => 1 }
            from depth in Gen.Choose(0, 2)
            from hidden in Gen.ArrayOf(Gen.Choose(1, 6), depth)
            from layers in Gen.Elements<int[]?>(null, [inputs, .. hidden, outputs])
            from activation in Gen.Elements<string?>(null, "sigmoid", "tanh", "relu", "leaky-relu", "softplus", "identity")
            from output in classification ? Gen.Elements<string?>(null, "softmax") : Gen.Elements<string?>(null, "identity", "sigmoid", "tanh")
            from loss in classification ? Gen.Elements<string?>(null, "cross-entropy") : Gen.Elements<string?>(null, "mse")
            from lr in Gen.Elements<double?>(null, 0.01)
            from epochs in Gen.Elements<int?>(null, 1, 7, 300)
            from optimizer in Gen.Elements<string?>(null, "sgd", "momentum", "nesterov", "adam", "adamw")
            from batch in Gen.Elements<int?>(null, 0, 1, 5, 64)
            from standardize in Gen.Elements<bool?>(null, true, false)
            from standardizeTarget in classification ? Gen.Elements<bool?>(null, false) : Gen.Elements<bool?>(null, true, false)
            from initScheme in Gen.Elements<string?>(null, "normal", "xavier-uniform", "xavier-normal", "he-normal", "he-uniform")
            from schedule in Gen.Elements("constant", "cosine")
            from split in source == "seed" ? Gen.Constant(0.0) : Gen.Elements(0.0, 0.2)
            from seed in Gen.Choose(0, 1000)
            select new SpecCase(source, new RunSpec
            {
                Dataset = source is "iris" or "petals" ? "iris" : null,
                Data = source == "houses" ? Houses.Value : null,
                Target = source switch { "petals" => ["petal_width"], "houses" => ["price"], _ => null },
                Features = source == "petals" ? ["sepal_length", "sepal_width", "petal_length"] : null,
                Layers = layers,
                Activation = activation,
                OutputActivation = output,
                Loss = loss,
                Lr = lr,
                Epochs = epochs,
                Optimizer = optimizer,
                BatchSize = batch,
                Standardize = standardize,
                StandardizeTarget = standardizeTarget,
                InitScheme = initScheme,
                Schedule = schedule,
                TestSplit = split,
                ValidationSplit = split / 2,
                Seed = (ulong)seed,
            }));
    }

    // Loading a data set is the only effect; the same spec's data is loaded once.
    private static readonly ConcurrentDictionary<string, RunInputs> Loaded = new();

    private static PreparedRun Prepare(RunSpec spec)
    {
        var key = JsonSerializer.Serialize(spec with { Layers = null, Epochs = null, Seed = 0 }, RunSpec.Json);
        var inputs = Loaded.GetOrAdd(key, _ => (RunInputs)RunInputs.Load(spec));
        return RunPlan.Resolve(spec, inputs, RunResources.ThisProcess(false)).Match(run => run, error => throw new InvalidOperationException($"{error.Message}: {JsonSerializer.Serialize(spec, RunSpec.Json)}"));
    }

    private static string Json(RunSpec spec) => JsonSerializer.Serialize(spec, RunSpec.Json);

    [Property(MaxTest = 150, Arbitrary = [typeof(Specs)])]
    public Property Resolving_a_resolved_spec_gives_the_same_spec_and_the_same_state_0(SpecCase c)
    {
        var first = Prepare(c.Spec);
        var second = Prepare(first.Spec);
        var recorded = Prepare(first.Spec.AsRecordedRun()); // as verify and resume read run.json
        var state0 = StateFile.Encode(first.InitialCheckpoint());
        return (Json(first.Spec) == Json(second.Spec) && Json(first.Spec) == Json(recorded.Spec) &&
                state0.AsSpan().SequenceEqual(StateFile.Encode(second.InitialCheckpoint())) &&
                state0.AsSpan().SequenceEqual(StateFile.Encode(recorded.InitialCheckpoint())) &&
                second.DataDefaults.IsEmpty && first.StateConfig == second.StateConfig)
            .Label($"resolved:\n{Json(first.Spec)}\nresolved again:\n{Json(second.Spec)}");
    }

    [Property(MaxTest = 100, Arbitrary = [typeof(Specs)])]
    public Property A_resolved_spec_leaves_nothing_to_the_defaults(SpecCase c)
    {
        var spec = Prepare(c.Spec).Spec;
        var data = c.Source != "seed";
        return (spec.Layers is not null && spec.Activation is not null && spec.OutputActivation is not null && spec.Loss is not null &&
                spec.Lr is not null && spec.Epochs is not null && spec.Optimizer is not null && spec.BatchSize is not null &&
                spec.Standardize is not null && spec.InitScheme is not null && spec.Task is not null &&
                (spec.StandardizeTarget is not null) == (spec.Task == "regression") &&
                (!data || spec.Target is not null && spec.Features is not null))
            .Label(Json(spec));
    }

    [Fact]
    public void The_seed_demo_resolves_to_the_notebooks_options_and_data_to_the_data_defaults()
    {
        var seed = Prepare(new RunSpec());
        Assert.Equal(NetworkFactory.SeedWidths, seed.Spec.Layers!);
        Assert.Equal(("sigmoid", "sigmoid", "sgd", "normal", 0, false, false, 200), (seed.Spec.Activation, seed.Spec.OutputActivation, seed.Spec.Optimizer,
            seed.Spec.InitScheme, seed.Spec.BatchSize, seed.Spec.Standardize, seed.Spec.StandardizeTarget, seed.Spec.Epochs));
        Assert.True(seed.DataDefaults.IsEmpty);

        var iris = Prepare(new RunSpec { Dataset = "iris" });
        Assert.Equal([4, 32, 32, 3], iris.Spec.Layers!);
        Assert.Equal(("tanh", "softmax", "cross-entropy", "adam", 0.001, "xavier-normal", 32, true, (bool?)null, 200),
            (iris.Spec.Activation, iris.Spec.OutputActivation, iris.Spec.Loss, iris.Spec.Optimizer, iris.Spec.Lr, iris.Spec.InitScheme,
             iris.Spec.BatchSize, iris.Spec.Standardize, iris.Spec.StandardizeTarget, iris.Spec.Epochs));
        Assert.Equal(["layers", "activation", "output-activation", "loss", "lr", "epochs", "standardize", "batch-size", "init-scheme", "optimizer"], iris.DataDefaults.ToArray());

        var relu = Prepare(new RunSpec { Dataset = "digits", Activation = "relu", TestSplit = 0.2 });
        Assert.Equal([64, 64, 64, 10], relu.Spec.Layers!);
        Assert.Equal(("he-normal", 67), (relu.Spec.InitScheme, relu.Spec.Epochs));
    }

    [Theory]
    [InlineData(4, 3, 32)]
    [InlineData(8, 1, 32)]
    [InlineData(33, 2, 64)]
    [InlineData(64, 10, 64)]
    [InlineData(784, 10, 256)]
    public void Data_runs_get_two_hidden_layers_as_wide_as_the_next_power_of_two_from_32_to_256(int inputs, int outputs, int width) =>
        Assert.Equal(width, RunPlan.DataHiddenWidth(inputs, outputs));

    [Theory]
    [InlineData(4, 200)]
    [InlineData(45, 67)]
    [InlineData(50, 60)]
    [InlineData(1000, 10)]
    public void Data_runs_train_about_3000_steps_from_10_to_200_epochs(int stepsPerEpoch, int epochs) =>
        Assert.Equal(epochs, RunPlan.DataEpochs(stepsPerEpoch));

    [Fact]
    public void The_shipped_house_prices_are_the_generators()
    {
        var shipped = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "TestData", "houses.csv"));
        Assert.Equal(HouseCsv.Text(HouseCsv.ExampleRows, HouseCsv.ExampleSeed), shipped);
    }
}
