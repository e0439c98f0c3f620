using System.Text.Json.Nodes;
using Backprop.Functional.IO;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using LanguageExt;

namespace Backprop.Functional.Tests.IO;

/// <summary>
/// What a saved state says about its optimizer: the optimizer rebuilt from a state's recorded
/// configuration is the one that trained, under the name it was given, and each hyperparameter
/// it reports is written in the file under its own name with its value.
/// </summary>
public sealed class OptimizerRoundTripTests
{
    /// <summary>The hyperparameters each optimizer reports, by the names summaries and files use.</summary>
    private static readonly Dictionary<string, string[]> Reported = new()
    {
        ["sgd"] = ["lr", "weight_decay"],
        ["momentum"] = ["lr", "momentum", "weight_decay"],
        ["nesterov"] = ["lr", "momentum", "weight_decay"],
        ["adam"] = ["lr", "beta1", "beta2", "eps", "weight_decay"],
        ["adamw"] = ["lr", "beta1", "beta2", "eps", "weight_decay"],
        ["amsgrad"] = ["lr", "beta1", "beta2", "eps", "weight_decay"],
    };

    public static class Specs
    {
        public static Arbitrary<RunSpec> Cases() => Arb.From(
            from name in Gen.Elements(Optimizer.Names.Split('|'))
            from schedule in Gen.Elements("constant", "step", "cosine")
            from numbers in Gen.ArrayOf(Gen.Choose(1, 999), 6)
            from clip in Gen.Elements<double?>(null, 0.5, 3)
            select new RunSpec
            {
                Optimizer = name,
                Schedule = schedule,
                DecaySteps = 10,
                DecayRate = 0.5,
                Lr = numbers[0] / 1000.0,
                Momentum = numbers[1] / 1000.0,
                Beta1 = numbers[2] / 1000.0,
                Beta2 = numbers[3] / 1000.0,
                Eps = numbers[4] * 1e-9,
                WeightDecay = numbers[5] / 10_000.0,
                ClipNorm = clip,
            });
    }

    private static Checkpoint Saved(RunSpec spec, Optimizer optimizer)
    {
        int[] widths = [2, 3, 1];
        var (network, rng) = ((Network, Rng))NetworkFactory.Create(widths, Tanh.Instance, Identity.Instance, new NormalInitializer(0.1), Rng.FromSeed(3));
        var schema = new DataSchema(Arr.create("a", "b"), Arr.create("y"), TaskKind.Regression, Arr<string>.Empty, Option<Standardization>.None);
        var checkpoint = new Checkpoint(TrainState.Initial(network, optimizer, rng), MeanSquaredError.Instance, schema, RunFile.StateConfig(spec), new string('a', 64), null, null);
        return (Checkpoint)StateFile.Decode(StateFile.Encode(checkpoint), "state.safetensors");
    }

    [Property(MaxTest = 60, Arbitrary = [typeof(Specs)])]
    public Property An_optimizer_read_back_from_a_saved_state_has_its_name_and_hyperparameters(RunSpec spec)
    {
        var optimizer = (Optimizer)RunPlan.OptimizerOf(spec);
        var saved = Saved(spec, optimizer);
        var read = (Optimizer)RunPlan.OptimizerOf(saved);
        var recorded = JsonNode.Parse(saved.Config)!.AsObject();
        var hyperparameters = read.Hyperparameters().ToList();
        var misfiled = hyperparameters
            .Where(h => recorded[h.Name.Replace('_', '-')]?.GetValue<double>() != h.Value)
            .Select(h => h.Name)
            .ToList();
        return (read == optimizer
                && read.Name == spec.Optimizer
                && hyperparameters.Select(h => h.Name).SequenceEqual(Reported[spec.Optimizer!])
                && misfiled.Count == 0
                && read.ToString() == optimizer.ToString()
                && read.ToString().StartsWith($"{spec.Optimizer}(lr=", StringComparison.Ordinal))
            .Label($"read back {read}, trained {optimizer}; not in the file as reported: {string.Join(", ", misfiled)}");
    }
}
