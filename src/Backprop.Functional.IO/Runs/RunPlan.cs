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
    /// <summary>The hidden widths of the seed demo's network: six layers of 32.</summary>
    private static readonly int[] DefaultHidden = [32, 32, 32, 32, 32, 32];

    /// <summary>The keys a data default may fill, in run.json's order.</summary>
    private static readonly string[] DataDefaultKeys =
        ["layers", "activation", "output-activation", "loss", "lr", "epochs", "standardize", "standardize-target", "batch-size", "init-scheme", "optimizer"];

    /// <summary>About how many steps a data run that names no epoch count takes (see <see cref="DataEpochs"/>).</summary>
    public const int DataSteps = 3000;

    /// <summary>
    /// The epochs of a data run that names none: enough for about <see cref="DataSteps"/> steps,
    /// from 10 to 200 (iris in batches of 32: 200 epochs; digits: 67; 1,600 rows: 60).
    /// </summary>
    public static int DataEpochs(int stepsPerEpoch) => (int)Math.Clamp((DataSteps + stepsPerEpoch - 1) / Math.Max(1, stepsPerEpoch), 10, 200);

    /// <summary>The rows per step of a data run that names none.</summary>
    public const int DataBatchSize = 32;

    /// <summary>
    /// The width of each of the two hidden layers of a data run that names no layers: the
    /// smallest power of two at least as wide as its inputs and outputs, from 32 to 256
    /// (iris 4→32, a table of 8 features 32, digits' 64 pixels 64, 784 pixels 256).
    /// </summary>
    public static int DataHiddenWidth(int inputs, int outputs) =>
        (int)Math.Clamp(System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(inputs, outputs)), 32u, 256u);

    /// <summary>The init scheme that matches a hidden activation: he-normal for the relu family, xavier-normal for the rest.</summary>
    public static string MatchingInitScheme(Activation hidden) => hidden.Name is "relu" or "leaky-relu" ? "he-normal" : "xavier-normal";

    /// <summary>Loads a spec's inputs and resolves it within this process's memory.</summary>
    public static Fin<PreparedRun> Prepare(RunSpec spec, bool savesStates = false) =>
        RunInputs.Load(spec).Bind(inputs => Resolve(spec, inputs, RunResources.ThisProcess(savesStates)));

    /// <summary>
    /// The run a spec describes, on the given inputs, refused before anything big is allocated when
    /// it does not fit <paramref name="resources"/>. The returned spec is resolved: resolving it
    /// again (with the same inputs) gives the same run, which is what lets run.json describe state 0.
    /// Without data (the seed demo) an option not chosen takes the seed notebook's value. With data
    /// it takes a default chosen for real data (<see cref="PreparedRun.DataDefaults"/> names those
    /// used): two hidden layers of <see cref="DataHiddenWidth"/>, tanh, the matching init scheme,
    /// softmax with cross-entropy for classification and identity with mse for regression, adam
    /// (at 0.001), mini-batches of <see cref="DataBatchSize"/>, standardized features and, for
    /// regression with an identity output and mse, standardized targets.
    /// </summary>
    public static Fin<PreparedRun> Resolve(RunSpec spec, RunInputs inputs, RunResources resources)
    {
        if (CheckRanges(spec).Failed(out var rangeError, out _)) return rangeError;
        // A fork's network, activations and loss are its parent's unless the spec names them (and then they must agree).
        if (inputs.Parent?.State is { } parentState)
        {
            var parentActivations = parentState.State.Network.Activations;
            spec = spec with
            {
                Layers = spec.Layers ?? parentState.State.Network.Widths.ToArray(),
                Activation = spec.Activation ?? (parentActivations.Count > 1 ? parentActivations[0].Name : null),
                OutputActivation = spec.OutputActivation ?? parentActivations[^1].Name,
                Loss = spec.Loss ?? parentState.Loss.Name,
            };
        }
        var rng = Rng.FromSeed(spec.Seed);

        if (DataOf(spec, inputs, ref rng).Failed(out var dataError, out var loaded)) return dataError;
        var (all, schema, description) = loaded;
        var fingerprint = Fingerprint.Of(all);
        var forData = inputs.Data is not null;
        var defaults = new List<string>();
        T Default<T>(string key, T? given, T dataDefault, T seedDefault)
        {
            if (given is not null) return given;
            if (forData) defaults.Add(key);
            return forData ? dataDefault : seedDefault;
        }

        // Only a held-out split draws from its own generator, so that without one the weights
        // come from the same stream right after the data, as in the seed notebook (and SeedDemo).
        var (splitRng, afterSplit) = spec.ValidationSplit > 0 || spec.TestSplit > 0 ? rng.Split() : (rng, rng);
        var split = DataSplit.Create(all, spec.ValidationSplit, spec.TestSplit, splitRng);
        if (split.Train.Rows == 0)
            return new Conflict([Settings.ValidationSplit, Settings.TestSplit], $"{{0}} {Refusal.Number(spec.ValidationSplit)} and {{1}} {Refusal.Number(spec.TestSplit)} leave none of the {all.Rows} rows for training");
        var parent = inputs.Parent;
        var standardize = Default<bool?>("standardize", spec.Standardize, true, false)!.Value;
        if (standardize)
        {
            // A fork keeps its parent's preprocessing: the network learned on those units.
            var standardization = parent?.State.Schema.Standardization.Case as Standardization ?? Standardization.Fit(split.Train.Inputs);
            schema = schema with { Standardization = standardization };
            split = Standardized(split, standardization);
        }

        var loss = spec.Loss is { } lossName ? Loss.Parse(lossName) : schema.Task == TaskKind.Classification ? CrossEntropy.Instance : MeanSquaredError.Instance;
        if (loss.Failed(out var lossError, out var lossValue)) return lossError;
        if (spec.Loss is null && forData) defaults.Add("loss");
        var outputDefault = forData && schema.Task == TaskKind.Regression ? "identity" : "sigmoid";
        if (Activations(spec, inputs.Init, lossValue, forData ? "tanh" : "sigmoid", outputDefault).Failed(out var activationError, out var activations)) return activationError;
        var (hidden, output, fromFile) = activations;
        if (spec.Activation is null && !fromFile && forData) defaults.Add("activation");
        if (spec.OutputActivation is null && !fromFile && forData) defaults.Add("output-activation");
        if (lossValue.WithOutputActivation(output).Failed(out var pairError, out _)) return pairError;

        if (TargetScalingRefusal(spec, schema, lossValue) is { } refusal) return refusal;
        var standardizeTarget = TargetScaling(spec, schema, lossValue, output, forData);
        if (spec.StandardizeTarget is null && standardizeTarget == true) defaults.Add("standardize-target");
        var inTargetUnits = (DataSplit?)null;
        if (standardizeTarget == true)
        {
            var scaling = parent?.State.Schema.TargetStandardization.Case as Standardization ?? Standardization.Fit(split.Train.Targets);
            schema = schema with { TargetStandardization = scaling };
            inTargetUnits = split;
            split = TargetsStandardized(split, scaling);
        }
        if (parent is not null && Fork.Refusal(parent, parent.State.State.Network, spec.Layers, hidden, output, lossValue, schema, standardize, standardizeTarget) is { } forkRefusal)
            return Error.New(forkRefusal);

        var optimizerName = Default("optimizer", spec.Optimizer, "adam", "sgd");
        var batchSize = Default<int?>("batch-size", spec.BatchSize, DataBatchSize, 0)!.Value;
        int? batchRows = batchSize == 0 ? null : batchSize;
        var stepsPerEpoch = TrainConfig.StepsPerEpoch(split.Train.Rows, batchRows);
        var rate = spec.Lr ?? (optimizerName.Trim().ToLowerInvariant() is "adam" or "adamw" or "amsgrad" ? 0.001 : SeedDemo.LearningRate);
        if (spec.Lr is null && forData) defaults.Add("lr");
        var epochs = Default<int?>("epochs", spec.Epochs, DataEpochs(stepsPerEpoch), SeedDemo.Epochs)!.Value;
        var decaySteps = spec.DecaySteps ?? (spec.Schedule.Trim().ToLowerInvariant() == "cosine" ? Math.Max(1L, (long)epochs * stepsPerEpoch) : 0);
        if (OptimizerOf(spec with { Optimizer = optimizerName, Lr = rate, DecaySteps = decaySteps }).Failed(out var optimizerError, out var optimizer)) return optimizerError;

        // The whole training's memory is checked before the network is drawn: a layer of 16384²
        // weights would otherwise be allocated before anything said it cannot fit.
        TrainingShape Shape(IReadOnlyList<int> widths) => TrainingShape.Of(widths, optimizer, split.Train.Rows, batchRows) with
        {
            HeldOutRows = (split.Validation?.Rows ?? 0) + (split.Test?.Rows ?? 0),
        };
        var (inputWidth, outputWidth) = (all.Inputs.ColumnCount, schema.OutputWidth);
        var hiddenWidth = DataHiddenWidth(inputWidth, outputWidth);
        int[] drawnWidths = spec.Layers ?? (forData ? [inputWidth, hiddenWidth, hiddenWidth, outputWidth] : [inputWidth, .. DefaultHidden, outputWidth]);
        if (spec.Layers is null && inputs.Init is null && forData) defaults.Add("layers");
        var initScheme = spec.InitScheme ?? (forData ? MatchingInitScheme(hidden) : "normal");
        if (spec.InitScheme is null && inputs.Init is null && forData) defaults.Add("init-scheme");
        var drawn = inputs.Init is null && parent is null;
        if (drawn && NetworkFactory.CheckWidths(drawnWidths).Bind(_ => resources.Check(Shape(drawnWidths))).Failed(out var sizeError, out _)) return sizeError;
        if ((parent is null
                ? BuildNetwork(spec with { Layers = inputs.Init is null ? drawnWidths : spec.Layers, InitScheme = initScheme }, inputs.Init, all, schema, hidden, output, afterSplit)
                : Fin<(Network, Rng)>.Succ((parent.State.State.Network, afterSplit)))
            .Failed(out var networkError, out var built)) return networkError;
        var (network, trainRng) = built;
        if (!drawn && resources.Check(Shape(network.Widths.ToArray())).Failed(out var initSizeError, out _)) return initSizeError;
        var policy = spec.OnNonfinite.Trim().ToLowerInvariant() switch
        {
            "stop" => NonFinitePolicy.Stop,
            "skip" => NonFinitePolicy.Skip(spec.MaxSkips),
            _ => null,
        };
        if (policy is null) return new UnknownName(Settings.OnNonfinite, spec.OnNonfinite, ["stop", "skip"]);
        var config = new TrainConfig(lossValue, optimizer, batchRows, policy);
        var monitor = Watcher(spec) is null ? (Monitor?)null : EarlyStopping.Parse(spec.Monitor ?? "val_loss").Match(m => m, _ => Functional.Monitor.ValLoss);
        if (monitor == Functional.Monitor.ValAccuracy && schema.Task != TaskKind.Classification)
            return new Conflict([Settings.Monitor], "{0} val_accuracy needs a classification task (a regression run measures no accuracy; monitor val_loss)");

        var resolved = spec with
        {
            Layers = network.Widths.ToArray(),
            Activation = hidden.Name,
            OutputActivation = output.Name,
            Loss = lossValue.Name,
            Lr = rate,
            Epochs = epochs,
            Task = schema.Task == TaskKind.Classification ? "classification" : "regression",
            Standardize = standardize,
            StandardizeTarget = standardizeTarget,
            BatchSize = batchSize,
            InitScheme = initScheme,
            Optimizer = optimizerName,
            DecaySteps = spec.DecaySteps ?? (decaySteps > 0 ? decaySteps : null),
            Data = inputs.Data?.Path ?? spec.Data,
            Target = inputs.Data is null ? spec.Target : schema.Targets.ToArray(),
            Features = inputs.Data is null ? spec.Features : schema.Features.ToArray(),
            // The dialect the file was read in, so that a replay of a renamed file reads it alike.
            Delimiter = spec.Data is { } dataPath && spec.DialectOf(dataPath).Delimiter is not ',' and var d ? d.ToString() : null,
            NoHeader = spec.Data is not null && spec.NoHeader == true ? true : null,
            Init = inputs.Init?.Path,
            InitSha256 = inputs.Init?.Sha256,
            Monitor = monitor?.Name(),
            KeepBest = spec.KeepBest == true ? true : null,
            RestoreBest = spec.RestoreBest == true ? true : null,
            Parent = parent?.Run,
            ParentEpoch = parent?.Epoch,
            ParentSha256 = parent?.Sha256,
            ParentRunSha256 = parent?.RunSha256,
        };
        var (initial, fork) = parent is null
            ? (TrainState.Initial(network, optimizer, trainRng), (ForkOrigin?)null)
            : ForkStart(parent, optimizer);
        return new PreparedRun(resolved, split, schema, config, initial, fingerprint, description)
        {
            Fork = fork,
            DataDefaults = defaults.OrderBy(key => Array.IndexOf(DataDefaultKeys, key)).ToArr(),
            TaskNote = spec.Task is null ? inputs.Data?.TaskNote : null,
            InTargetUnits = inTargetUnits,
        };
    }

    private static (TrainState, ForkOrigin?) ForkStart(ParentState parent, Optimizer optimizer)
    {
        var (initial, carried) = Fork.Initial(parent, optimizer);
        var parentOptimizer = OptimizerOf(parent.State).Match(o => o.Name, _ => "?");
        return (initial, new ForkOrigin(parent, carried, parentOptimizer));
    }

    /// <summary>
    /// Whether the targets are standardized: null for classification (it does not apply; a false
    /// given there is dropped), else as given or, with data, for mse on an identity output (so that
    /// the network can reach every standardized value and the loss stays a squared error).
    /// </summary>
    private static bool? TargetScaling(RunSpec spec, DataSchema schema, Loss loss, Activation output, bool forData) =>
        schema.Task == TaskKind.Classification ? null
        : spec.StandardizeTarget ?? (forData && loss.Name == MeanSquaredError.Instance.Name && output.Name == "identity");

    /// <summary>Why standardized targets were asked for where they cannot be (null when they can, or were not asked for).</summary>
    private static Refusal? TargetScalingRefusal(RunSpec spec, DataSchema schema, Loss loss) =>
        spec.StandardizeTarget != true ? null
        : schema.Task == TaskKind.Classification ? new Conflict([Settings.StandardizeTarget], "{0} is for regression; a classification target is one-hot encoded")
        : loss.Name != MeanSquaredError.Instance.Name ? new Conflict([Settings.StandardizeTarget, Settings.Loss], $"{{0}} needs {{1}} mse (got {loss.Name}, which needs targets in [0, 1])")
        : null;

    /// <summary>The optimizer a spec describes (its optimizer, learning rate and decay steps must be resolved; a missing optimizer is sgd).</summary>
    public static Fin<Optimizer> OptimizerOf(RunSpec spec) =>
        from schedule in Functional.Schedule.Create(spec.Schedule, spec.Lr ?? SeedDemo.LearningRate, spec.DecaySteps ?? 0, spec.DecayRate)
        from optimizer in Optimizer.Create(spec.Optimizer ?? "sgd", schedule, spec.Momentum, spec.Beta1, spec.Beta2, spec.Eps, spec.WeightDecay, spec.ClipNorm)
        select optimizer;

    /// <summary>The optimizer a state was trained with, from the configuration it records.</summary>
    public static Fin<Optimizer> OptimizerOf(Checkpoint state) =>
        RunFile.Parse("the state's configuration", System.Text.Encoding.UTF8.GetBytes(state.Config)).Bind(OptimizerOf);

    /// <summary>The checks on a spec's values that need no data: ranges, and which options go together.</summary>
    public static Fin<Unit> CheckRanges(RunSpec spec)
    {
        if (spec.Epochs < 0) return new OutOfRange(Settings.Epochs, spec.Epochs.Value, "≥ 0");
        if (spec.BatchSize is < 0) return new OutOfRange(Settings.BatchSize, spec.BatchSize.Value, "≥ 1, or 0 for every row in one batch");
        if (spec.KeepEvery < 1) return new OutOfRange(Settings.KeepEvery, spec.KeepEvery, "≥ 1");
        if (spec.KeepLast is < 1) return new OutOfRange(Settings.KeepLast, spec.KeepLast.Value, "≥ 1");
        if (spec.Patience is < 1) return new OutOfRange(Settings.Patience, spec.Patience.Value, "≥ 1");
        if (spec.Monitor is not null && Watcher(spec) is null) return new Conflict([Settings.Monitor, Settings.Patience, Settings.RestoreBest, Settings.KeepBest], "{0} says what {1}, {2} and {3} watch; give one of them");
        if (spec.Monitor is { } monitor && EarlyStopping.Parse(monitor).Failed(out var monitorError, out _)) return monitorError;
        if (Watcher(spec) is { } watcher && spec.ValidationSplit <= 0)
            return new Conflict([watcher, Settings.ValidationSplit], "{0} needs a validation split to monitor: give {1} F (e.g. 0.2)");
        if (!(spec.ValidationSplit is >= 0 and < 1)) return new OutOfRange(Settings.ValidationSplit, spec.ValidationSplit, "in [0, 1)");
        if (!(spec.TestSplit is >= 0 and < 1)) return new OutOfRange(Settings.TestSplit, spec.TestSplit, "in [0, 1)");
        if (spec.ValidationSplit + spec.TestSplit >= 1)
            return new Conflict([Settings.ValidationSplit, Settings.TestSplit], $"{{0}} {Refusal.Number(spec.ValidationSplit)} plus {{1}} {Refusal.Number(spec.TestSplit)} must be below 1");
        if (spec.MaxSkips < 0) return new OutOfRange(Settings.MaxSkips, spec.MaxSkips, "≥ 0");
        if (spec.Data is not null && spec.Dataset is not null) return new Conflict([Settings.Data, Settings.Dataset], "give {0} or {1}, not both");
        if (spec.Data is null && spec.Dataset is null && spec.Target is { Length: > 0 }) return new Conflict([Settings.TargetColumns, Settings.Data, Settings.Dataset], "{0} needs {1} or {2}");
        if (spec.Data is null && spec.Dataset is null && spec.Features is { Length: > 0 }) return new Conflict([Settings.FeatureColumns, Settings.Data, Settings.Dataset], "{0} needs {1} or {2}");
        if (spec.Data is not null && spec.Target is not { Length: > 0 }) return new Conflict([Settings.Data, Settings.TargetColumns], "{0} needs {1} to name the target columns");
        if ((spec.Delimiter is not null || spec.NoHeader == true) && spec.Data is null) return new Conflict([spec.Delimiter is null ? Settings.NoHeader : Settings.Delimiter, Settings.Data], "{0} needs {1}: it says how a data file is laid out");
        if (spec.Delimiter is { } delimiter && CsvDialect.Refusal(delimiter) is { } delimiterProblem) return new Conflict([Settings.Delimiter], $"{{0}} {Conflict.Literal(delimiterProblem)}");
        if (spec.Target?.Any(string.IsNullOrWhiteSpace) == true) return new Conflict([Settings.TargetColumns], "a column name in {0} is empty");
        if (spec.Features?.Any(string.IsNullOrWhiteSpace) == true) return new Conflict([Settings.FeatureColumns], "a column name in {0} is empty");
        foreach (var (setting, path) in new[] { (Settings.Data, spec.Data), (Settings.Init, spec.Init) })
            if (path is not null && string.IsNullOrWhiteSpace(path)) return new Conflict([setting], "{0}: the path is empty");
        if (spec.Lr is { } lr && !(lr > 0 && double.IsFinite(lr))) return new OutOfRange(Settings.LearningRate, lr, "> 0 and finite");
        if (spec.InitSha256 is not null && spec.Init is null) return Error.New("'init-sha256' names an init file's hash but 'init' names no file");
        if (spec.Parent is not null && string.IsNullOrWhiteSpace(spec.Parent)) return new Conflict([Settings.Parent], "{0}: the path is empty");
        if (spec.Parent is null && (spec.ParentEpoch is not null || spec.ParentSha256 is not null || spec.ParentRunSha256 is not null))
            return Error.New("'parent-epoch', 'parent-sha256' or 'parent-run-sha256' name a parent state but 'parent' names no run");
        if (spec.Parent is not null && spec.ParentEpoch is null) return Error.New("'parent' names the run a fork starts from but 'parent-epoch' names no epoch of it");
        if (spec.ParentEpoch < 0) return new OutOfRange(Settings.SavedEpoch, spec.ParentEpoch.Value, "≥ 0");
        if (spec.Parent is not null && spec.Init is not null) return new Conflict([Settings.Parent, Settings.Init], "give {0} or {1}, not both: a fork starts from its parent's state");
        return Unit.Default;
    }

    /// <summary>The first option given that watches a validation measurement (null when none is): --patience, --restore-best, --keep-best.</summary>
    public static string? Watcher(RunSpec spec) =>
        spec.Patience is not null ? Settings.Patience : spec.RestoreBest == true ? Settings.RestoreBest : spec.KeepBest == true ? Settings.KeepBest : null;

    private static Fin<(Dataset Data, DataSchema Schema, string Description)> DataOf(RunSpec spec, RunInputs inputs, ref Rng rng)
    {
        if (inputs.Data is { } loaded) return (loaded.Rows, loaded.Schema, loaded.Description);
        var widths = spec.Layers ?? NetworkFactory.SeedWidths;
        if (widths.Length < 2) return new InvalidSetting(Settings.LayerWidths, string.Join(",", widths), "needs at least two widths (inputs and outputs)");
        if (widths.Any(w => w < 1)) return new InvalidSetting(Settings.LayerWidths, string.Join(",", widths), $"every width must be at least 1 (got {widths.First(w => w < 1)})");
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
    private static Fin<(Activation Hidden, Activation Output, bool FromFile)> Activations(RunSpec spec, InitWeights? init, Loss loss, string hiddenDefault, string outputDefault)
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

        if (Activation.Parse(spec.Activation ?? fileHidden ?? hiddenDefault).About(Settings.Activation).Failed(out var hiddenError, out var hidden)) return hiddenError;
        if (!hidden.AllowedOnHiddenLayers) return new Conflict([Settings.Activation, Settings.OutputActivation], $"{{0}} {hidden.Name} is only allowed as {{1}}");
        var outputName = spec.OutputActivation ?? fileOutput ?? loss.RequiredOutputActivation?.Name ?? outputDefault;
        if (Activation.Parse(outputName).About(Settings.OutputActivation).Failed(out var outputError, out var output)) return outputError;
        if (fileHidden is not null && hidden.Name != fileHidden)
            return new Conflict([Settings.Activation], $"{Conflict.Literal(init!.Path)}: its hidden layers use {Conflict.Literal(Quote.Value(fileHidden))} but {{0}} asks for {hidden.Name} (leave it out to train with the file's)");
        if (fileOutput is not null && output.Name != fileOutput)
            return new Conflict([Settings.OutputActivation], $"{Conflict.Literal(init!.Path)}: its output layer uses {Conflict.Literal(Quote.Value(fileOutput))} but {{0}} asks for {output.Name} (leave it out to train with the file's)");
        return (hidden, output, fileHidden is not null);
    }

    private static Fin<(Network Network, Rng Next)> BuildNetwork(RunSpec spec, InitWeights? init, Dataset data, DataSchema schema, Activation hidden, Activation output, Rng rng)
    {
        var (inputs, outputs) = (data.Inputs.ColumnCount, schema.OutputWidth);
        Network network;
        if (init is not null)
        {
            if (NetworkTensors.FromFile(init.File, init.Path, hidden, output).Failed(out var networkError, out network)) return networkError;
            if (spec.Layers is { } layers && !layers.SequenceEqual(network.Widths))
                return new Conflict([Settings.LayerWidths], $"{Conflict.Literal(init.Path)}: holds a {string.Join(",", network.Widths)} network but {{0}} says {string.Join(",", layers)}");
        }
        else
        {
            var widths = spec.Layers!;
            if (Initializer.Parse(spec.InitScheme!).Failed(out var initError, out var initializer)) return initError;
            if (NetworkFactory.Create(widths, hidden, output, initializer, rng).Failed(out var createError, out var created)) return createError;
            (network, rng) = created;
        }
        if (network.InputWidth != inputs)
            return Error.New($"the network reads {network.InputWidth} inputs but the data has {inputs} feature columns ({string.Join(", ", schema.Features.Take(8))}{(inputs > 8 ? ", ..." : "")})");
        if (network.OutputWidth != outputs && schema.Task == TaskKind.Regression && LabelsHint(data, schema, network.OutputWidth) is { Length: > 0 } hint)
            return new Conflict([Settings.Task], Conflict.Literal($"the network writes {network.OutputWidth} outputs but there is 1 target column") + hint);
        if (network.OutputWidth != outputs)
            return Error.New(schema.Task == TaskKind.Classification
                ? $"the network writes {network.OutputWidth} outputs but the target has {outputs} classes ({string.Join(", ", schema.Classes)})"
                : $"the network writes {network.OutputWidth} outputs but there {(outputs == 1 ? "is 1 target column" : $"are {outputs} target columns")}");
        return (network, rng);
    }

    /// <summary>
    /// When a regression's one target column holds a few distinct whole numbers and the network has
    /// more outputs than target columns, the targets are most likely class labels:
    /// "; 'digit' holds whole numbers 0–9: {0} classification one-hot encodes it into 10 outputs, one per class" (a template: {0} is the task setting).
    /// Empty otherwise.
    /// </summary>
    public static string LabelsHint(Dataset data, DataSchema schema, int networkOutputs)
    {
        if (schema.Task != TaskKind.Regression || schema.Targets.Count != 1 || networkOutputs <= 1) return "";
        var distinct = new System.Collections.Generic.HashSet<double>();
        foreach (var value in Numerics.Dense.Data(data.Targets))
        {
            if (!double.IsFinite(value) || Math.Floor(value) != value) return "";
            if (distinct.Add(value) && distinct.Count > MaxHintedLabels) return "";
        }
        if (distinct.Count < 2) return "";
        var (low, high) = (distinct.Min(), distinct.Max());
        var range = distinct.Count == high - low + 1 ? $"whole numbers {Format(low)}–{Format(high)}" : $"{distinct.Count} distinct whole numbers from {Format(low)} to {Format(high)}";
        return $"; {Conflict.Literal(Quote.Value(schema.Targets[0]))} holds {range}: {{0}} classification one-hot encodes it into {distinct.Count} outputs, one per class";
    }

    /// <summary>The most distinct whole numbers <see cref="LabelsHint"/> still takes for possible class labels.</summary>
    private const int MaxHintedLabels = 1000;

    private static string Format(double value) => value.ToString("0", System.Globalization.CultureInfo.InvariantCulture);

    private static DataSplit TargetsStandardized(DataSplit split, Standardization s) => new(
        split.Train with { Targets = s.Apply(split.Train.Targets) },
        split.Validation is { } v ? v with { Targets = s.Apply(v.Targets) } : null,
        split.Test is { } t ? t with { Targets = s.Apply(t.Targets) } : null);

    private static DataSplit Standardized(DataSplit split, Standardization s) => new(
        split.Train with { Inputs = s.Apply(split.Train.Inputs) },
        split.Validation is { } v ? v with { Inputs = s.Apply(v.Inputs) } : null,
        split.Test is { } t ? t with { Inputs = s.Apply(t.Inputs) } : null);
}
