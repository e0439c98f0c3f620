using Backprop.Functional.IO;
using LanguageExt;
using LanguageExt.Common;

namespace Backprop.Functional.Runs;

/// <summary>
/// Turns a <see cref="RunSpec"/> and its <see cref="RunInputs"/> into a <see cref="PreparedRun"/>:
/// splits the data, builds or reads the network, resolves every default, as a pure function.
/// Train, resume, replay and verify all go through here, so a replay rebuilds exactly what the
/// original run used, and verify can rebuild state 0 from run.json alone.
/// </summary>
public static class RunPlan
{
    /// <summary>The hidden widths used when no layers are given: the seed's six layers of 32.</summary>
    private static readonly int[] DefaultHidden = [32, 32, 32, 32, 32, 32];

    /// <summary>Loads a spec's inputs and resolves it within this process's memory.</summary>
    public static Fin<PreparedRun> Prepare(RunSpec spec, bool savesStates = false) =>
        RunInputs.Load(spec).Bind(inputs => Resolve(spec, inputs, RunResources.ThisProcess(savesStates)));

    /// <summary>
    /// The run a spec describes, on the given inputs, refused before anything big is allocated when
    /// it does not fit <paramref name="resources"/>. The returned spec is resolved: resolving it
    /// again (with the same inputs) gives the same run, which is what lets run.json describe state 0.
    /// </summary>
    public static Fin<PreparedRun> Resolve(RunSpec spec, RunInputs inputs, RunResources resources)
    {
        if (CheckRanges(spec).Failed(out var rangeError, out _)) return rangeError;
        var rng = Rng.FromSeed(spec.Seed);

        if (DataOf(spec, inputs, ref rng).Failed(out var dataError, out var loaded)) return dataError;
        var (all, schema, description) = loaded;
        var fingerprint = Fingerprint.Of(all);

        // Only a held-out split draws from its own generator, so that without one the weights
        // come from the same stream right after the data, as in the seed notebook (and SeedDemo).
        var (splitRng, afterSplit) = spec.ValidationSplit > 0 || spec.TestSplit > 0 ? rng.Split() : (rng, rng);
        var split = DataSplit.Create(all, spec.ValidationSplit, spec.TestSplit, splitRng);
        if (split.Train.Rows == 0) return Error.New("--validation-split and --test-split leave no training rows");
        if (spec.Standardize)
        {
            var standardization = Standardization.Fit(split.Train.Inputs);
            schema = schema with { Standardization = standardization };
            split = Standardized(split, standardization);
        }

        var loss = spec.Loss is { } lossName ? Loss.Parse(lossName) : schema.Task == TaskKind.Classification ? CrossEntropy.Instance : MeanSquaredError.Instance;
        if (loss.Failed(out var lossError, out var lossValue)) return lossError;
        if (Activations(spec, inputs.Init, lossValue).Failed(out var activationError, out var activations)) return activationError;
        var (hidden, output) = activations;
        if (lossValue.WithOutputActivation(output).Failed(out var pairError, out _)) return pairError;

        var stepsPerEpoch = TrainConfig.StepsPerEpoch(split.Train.Rows, spec.BatchSize);
        var rate = spec.Lr ?? (spec.Optimizer.Trim().ToLowerInvariant() is "adam" or "adamw" or "amsgrad" ? 0.001 : SeedDemo.LearningRate);
        var decaySteps = spec.DecaySteps ?? (spec.Schedule.Trim().ToLowerInvariant() == "cosine" ? Math.Max(1L, (long)spec.Epochs * stepsPerEpoch) : 0);
        if (OptimizerOf(spec with { Lr = rate, DecaySteps = decaySteps }).Failed(out var optimizerError, out var optimizer)) return optimizerError;

        // The whole training's memory is checked before the network is drawn: a layer of 16384²
        // weights would otherwise be allocated before anything said it cannot fit.
        TrainingShape Shape(IReadOnlyList<int> widths) => TrainingShape.Of(widths, optimizer, split.Train.Rows, spec.BatchSize) with
        {
            HeldOutRows = (split.Validation?.Rows ?? 0) + (split.Test?.Rows ?? 0),
        };
        var drawnWidths = spec.Layers ?? [all.Inputs.ColumnCount, .. DefaultHidden, schema.OutputWidth];
        if (inputs.Init is null && NetworkFactory.CheckWidths(drawnWidths).Bind(_ => resources.Check(Shape(drawnWidths))).Failed(out var sizeError, out _)) return sizeError;
        if (BuildNetwork(spec, inputs.Init, all, schema, hidden, output, afterSplit).Failed(out var networkError, out var built)) return networkError;
        var (network, trainRng) = built;
        if (inputs.Init is not null && resources.Check(Shape(network.Widths.ToArray())).Failed(out var initSizeError, out _)) return initSizeError;
        var policy = spec.OnNonfinite.Trim().ToLowerInvariant() switch
        {
            "stop" => NonFinitePolicy.Stop,
            "skip" when spec.MaxSkips >= 0 => NonFinitePolicy.Skip(spec.MaxSkips),
            _ => null,
        };
        if (policy is null) return Error.New($"--on-nonfinite must be stop or skip (got {Quote.Value(spec.OnNonfinite)}), with --max-skips ≥ 0");
        var config = new TrainConfig(lossValue, optimizer, spec.BatchSize, policy);

        var resolved = spec with
        {
            Layers = network.Widths.ToArray(),
            Activation = hidden.Name,
            OutputActivation = output.Name,
            Loss = lossValue.Name,
            Lr = rate,
            Task = schema.Task == TaskKind.Classification ? "classification" : "regression",
            DecaySteps = spec.DecaySteps ?? (decaySteps > 0 ? decaySteps : null),
            Data = inputs.Data?.Path ?? spec.Data,
            Target = inputs.Data is null ? spec.Target : schema.Targets.ToArray(),
            Features = inputs.Data is null ? spec.Features : schema.Features.ToArray(),
            Init = inputs.Init?.Path,
            InitSha256 = inputs.Init?.Sha256,
        };
        return new PreparedRun(resolved, split, schema, config, TrainState.Initial(network, optimizer, trainRng), fingerprint, description);
    }

    /// <summary>The optimizer a spec describes (its learning rate and decay steps must be resolved).</summary>
    public static Fin<Optimizer> OptimizerOf(RunSpec spec) =>
        from schedule in Functional.Schedule.Create(spec.Schedule, spec.Lr ?? SeedDemo.LearningRate, spec.DecaySteps ?? 0, spec.DecayRate)
        from optimizer in Optimizer.Create(spec.Optimizer, schedule, spec.Momentum, spec.Beta1, spec.Beta2, spec.Eps, spec.WeightDecay, spec.ClipNorm)
        select optimizer;

    /// <summary>The optimizer a state was trained with, from the configuration it records.</summary>
    public static Fin<Optimizer> OptimizerOf(Checkpoint state) =>
        RunFile.Parse("the state's configuration", System.Text.Encoding.UTF8.GetBytes(state.Config)).Bind(OptimizerOf);

    /// <summary>The checks on a spec's values that need no data: ranges, and which options go together.</summary>
    public static Fin<Unit> CheckRanges(RunSpec spec)
    {
        if (spec.Epochs < 0) return Error.New($"--epochs must be ≥ 0 (got {spec.Epochs})");
        if (spec.BatchSize is < 1) return Error.New($"--batch-size must be ≥ 1 (got {spec.BatchSize})");
        if (spec.KeepEvery < 1) return Error.New($"--keep-every must be ≥ 1 (got {spec.KeepEvery})");
        if (!(spec.ValidationSplit is >= 0 and < 1)) return Error.New($"--validation-split must be in [0, 1) (got {spec.ValidationSplit})");
        if (!(spec.TestSplit is >= 0 and < 1)) return Error.New($"--test-split must be in [0, 1) (got {spec.TestSplit})");
        if (spec.ValidationSplit + spec.TestSplit >= 1) return Error.New("--validation-split plus --test-split must be below 1");
        if (spec.Data is not null && spec.Dataset is not null) return Error.New("give --data or --dataset, not both");
        if (spec.Data is null && spec.Dataset is null && spec.Target is { Length: > 0 }) return Error.New("--target needs --data or --dataset");
        if (spec.Data is null && spec.Dataset is null && spec.Features is { Length: > 0 }) return Error.New("--features needs --data or --dataset");
        if (spec.Data is not null && spec.Target is not { Length: > 0 }) return Error.New("--data needs --target COL[,COL...] to name the target columns");
        if (spec.Target?.Any(string.IsNullOrWhiteSpace) == true || spec.Features?.Any(string.IsNullOrWhiteSpace) == true)
            return Error.New("a --target or --features column name is empty");
        foreach (var (name, path) in new[] { ("--data", spec.Data), ("--init", spec.Init) })
            if (path is not null && string.IsNullOrWhiteSpace(path)) return Error.New($"{name}: the path is empty");
        if (spec.Lr is { } lr && !(lr > 0 && double.IsFinite(lr))) return Error.New($"--lr must be a positive number (got {lr})");
        if (spec.InitSha256 is not null && spec.Init is null) return Error.New("'init-sha256' names an init file's hash but 'init' names no file");
        return Unit.Default;
    }

    private static Fin<(Dataset Data, DataSchema Schema, string Description)> DataOf(RunSpec spec, RunInputs inputs, ref Rng rng)
    {
        if (inputs.Data is { } loaded) return (loaded.Rows, loaded.Schema, loaded.Description);
        var widths = spec.Layers ?? NetworkFactory.SeedWidths;
        if (widths.Length < 2) return Error.New("--layers needs at least two widths (inputs and outputs)");
        if (widths.Any(w => w < 1)) return Error.New($"every width in --layers must be at least 1 (got {string.Join(",", widths)})");
        var (demo, next) = SeedDemo.Sample(rng, widths[0], widths[^1]);
        rng = next;
        var schema = new DataSchema(
            Enumerable.Range(0, widths[0]).Select(i => $"x{i}").ToArr(),
            Enumerable.Range(0, widths[^1]).Select(i => $"y{i}").ToArr(),
            TaskKind.Regression, Arr<string>.Empty, Option<Standardization>.None);
        return (demo, schema, $"the seed demo: one sample x ~ N(0,1)^{widths[0]}, y ~ N(0,1)^{widths[^1]} from seed {spec.Seed}");
    }

    /// <summary>
    /// The hidden and output activations. A weights file that names its activations decides
    /// them (the run records what it really trains with); asking for others is refused.
    /// </summary>
    private static Fin<(Activation Hidden, Activation Output)> Activations(RunSpec spec, InitWeights? init, Loss loss)
    {
        string? fileHidden = null, fileOutput = null;
        if (init?.File.Meta(NetworkTensors.ActivationsKey).Case is string names)
        {
            var list = names.Split(',');
            var hiddenNames = list[..^1].Distinct().ToArray();
            if (hiddenNames.Length > 1)
                return Error.New($"{init.Path}: its hidden layers use different activations ({string.Join(", ", hiddenNames.Select(Quote.Value))}); a run has one hidden activation");
            (fileHidden, fileOutput) = (hiddenNames.FirstOrDefault(), list[^1]);
        }

        if (Activation.Parse(spec.Activation ?? fileHidden ?? "sigmoid").Within("--activation").Failed(out var hiddenError, out var hidden)) return hiddenError;
        if (!hidden.AllowedOnHiddenLayers) return Error.New($"--activation {hidden.Name} is only allowed as --output-activation");
        var outputName = spec.OutputActivation ?? fileOutput ?? loss.RequiredOutputActivation?.Name ?? "sigmoid";
        if (Activation.Parse(outputName).Within("--output-activation").Failed(out var outputError, out var output)) return outputError;
        if (fileHidden is not null && hidden.Name != fileHidden)
            return Error.New($"{init!.Path}: its hidden layers use {Quote.Value(fileHidden)} but --activation asks for {hidden.Name} (leave it out to train with the file's)");
        if (fileOutput is not null && output.Name != fileOutput)
            return Error.New($"{init!.Path}: its output layer uses {Quote.Value(fileOutput)} but --output-activation asks for {output.Name} (leave it out to train with the file's)");
        return (hidden, output);
    }

    private static Fin<(Network Network, Rng Next)> BuildNetwork(RunSpec spec, InitWeights? init, Dataset data, DataSchema schema, Activation hidden, Activation output, Rng rng)
    {
        var (inputs, outputs) = (data.Inputs.ColumnCount, schema.OutputWidth);
        Network network;
        if (init is not null)
        {
            if (NetworkTensors.FromFile(init.File, init.Path, hidden, output).Failed(out var networkError, out network)) return networkError;
            if (spec.Layers is { } layers && !layers.SequenceEqual(network.Widths))
                return Error.New($"{init.Path}: holds a {string.Join(",", network.Widths)} network but --layers says {string.Join(",", layers)}");
        }
        else
        {
            var widths = spec.Layers ?? [inputs, .. DefaultHidden, outputs];
            if (Initializer.Parse(spec.InitScheme).Failed(out var initError, out var initializer)) return initError;
            if (NetworkFactory.Create(widths, hidden, output, initializer, rng).Failed(out var createError, out var created)) return createError;
            (network, rng) = created;
        }
        if (network.InputWidth != inputs)
            return Error.New($"the network reads {network.InputWidth} inputs but the data has {inputs} feature columns ({string.Join(", ", schema.Features.Take(8))}{(inputs > 8 ? ", ..." : "")})");
        if (network.OutputWidth != outputs)
            return Error.New(schema.Task == TaskKind.Classification
                ? $"the network writes {network.OutputWidth} outputs but the target has {outputs} classes ({string.Join(", ", schema.Classes)})"
                : $"the network writes {network.OutputWidth} outputs but there are {outputs} target columns");
        return (network, rng);
    }

    private static DataSplit Standardized(DataSplit split, Standardization s) => new(
        split.Train with { Inputs = s.Apply(split.Train.Inputs) },
        split.Validation is { } v ? v with { Inputs = s.Apply(v.Inputs) } : null,
        split.Test is { } t ? t with { Inputs = s.Apply(t.Inputs) } : null);
}
