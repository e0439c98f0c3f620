using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using Backprop.Cli.Commands;
using Backprop.Functional;
using Backprop.Functional.IO;
using Backprop.Functional.Runs;

namespace Backprop.Cli.Training;

/// <summary>The command-line options of <c>train</c>, and how they override a <see cref="RunSpec"/>.</summary>
public sealed class TrainOptions
{
    /// <summary>--layers.</summary>
    public Option<int[]> Layers { get; } = new("--layers")
    {
        Description = "Every width, input first (default: the seed's 10,32,32,32,32,32,32,2; with data, the data's widths around two hidden layers of the smallest power of two ≥ both, 32 to 256, e.g. 4,32,32,3 for iris)",
        HelpName = "W,W,...",
        CustomParser = ParseWidths,
        Arity = ArgumentArity.ExactlyOne,
    };

    /// <summary>--activation.</summary>
    public Option<string> Activation { get; } = new("--activation")
    { Description = $"Hidden-layer activation: {Functional.Activation.Names.Replace("|softmax", "")} (default: the --init file's, else tanh with data, sigmoid for the seed demo)", HelpName = "NAME" };

    /// <summary>--output-activation.</summary>
    public Option<string> OutputActivation { get; } = new("--output-activation")
    { Description = $"Output activation: {Functional.Activation.Names} (default: softmax for cross-entropy, identity for regression on data, else sigmoid)", HelpName = "NAME" };

    /// <summary>--loss.</summary>
    public Option<string> Loss { get; } = new("--loss")
    { Description = $"Loss: {Functional.Loss.Names} (default: cross-entropy for classification, else mse)", HelpName = "NAME" };

    /// <summary>--lr.</summary>
    public Option<double> Lr { get; } = new("--lr")
    { Description = "Learning rate (default: 0.02, which reproduces the seed notebook's steps; 0.001 for adam/adamw/amsgrad)", HelpName = "RATE" };

    /// <summary>--epochs.</summary>
    public Option<int> Epochs { get; } = new("--epochs")
    { Description = $"Epochs in total (default: 200; with data, enough for about {RunPlan.DataSteps:N0} steps, from 10 to 200)", HelpName = "N" };

    /// <summary>--seed.</summary>
    public Option<ulong> Seed { get; } = new("--seed") { Description = "Seed of every random draw (default: 0)", HelpName = "S" };

    /// <summary>--data.</summary>
    public Option<string> Data { get; } = new("--data") { Description = "CSV file with a header row to train on", HelpName = "FILE.csv" };

    /// <summary>--target.</summary>
    public Option<string[]> Target { get; } = new("--target")
    { Description = "Target column(s) of --data (or of --dataset, replacing its usual target)", HelpName = "COL[,COL...]", CustomParser = ParseNames, Arity = ArgumentArity.ExactlyOne };

    /// <summary>--features.</summary>
    public Option<string[]> Features { get; } = new("--features")
    { Description = "Feature columns (default: every column that is not a target)", HelpName = "COL[,COL...]", CustomParser = ParseNames, Arity = ArgumentArity.ExactlyOne };

    /// <summary>--delimiter and --no-header.</summary>
    public DataLayout Layout { get; } = new();

    /// <summary>--dataset.</summary>
    public Option<string> Dataset { get; } = new("--dataset") { Description = $"A data set shipped with the tool: {BuiltInDatasets.Names}", HelpName = "NAME" };

    /// <summary>--task.</summary>
    public Option<string> Task { get; } = new("--task")
    { Description = $"regression or classification (default: classification when the target holds text, or 2 to {TabularData.MaxInferredClasses} distinct whole numbers each on two rows or more on average)", HelpName = "KIND" };

    /// <summary>--standardize.</summary>
    public Option<bool> Standardize { get; } = new("--standardize") { Description = "Standardize features with the training rows' mean and std (default: on with data, off for the seed demo)" };

    /// <summary>--no-standardize.</summary>
    public Option<bool> NoStandardize { get; } = new("--no-standardize") { Description = "Leave the features as they are (turns off --standardize, a default with data)" };

    /// <summary>--standardize-target.</summary>
    public Option<bool> StandardizeTarget { get; } = new("--standardize-target")
    {
        Description = "Regression: train on targets standardized with the training rows' mean and std; the test line, evaluate and predict report in the target's own units " +
                      "(default: on for regression on data with an identity output and mse)",
    };

    /// <summary>--no-standardize-target.</summary>
    public Option<bool> NoStandardizeTarget { get; } = new("--no-standardize-target") { Description = "Train on the regression targets as they are (turns off --standardize-target)" };

    /// <summary>--validation-split.</summary>
    public Option<double> ValidationSplit { get; } = new("--validation-split") { Description = "Fraction of rows held out for validation (default: 0)", HelpName = "F" };

    /// <summary>--test-split.</summary>
    public Option<double> TestSplit { get; } = new("--test-split") { Description = "Fraction of rows held out for the final test (default: 0)", HelpName = "F" };

    /// <summary>--batch-size.</summary>
    public Option<int> BatchSize { get; } = new("--batch-size")
    {
        Description = $"Rows per step, reshuffled every epoch, or all (0) for every row in one batch (default: {RunPlan.DataBatchSize} with data, all for the seed demo)",
        HelpName = "B|all",
        CustomParser = ParseBatchSize,
        Arity = ArgumentArity.ExactlyOne,
    };

    /// <summary>--init-scheme.</summary>
    public Option<string> InitScheme { get; } = new("--init-scheme") { Description = $"Initial weights: {Initializer.Names} (default: normal, the seed's N(0, 0.01²); with data, the one matching --activation: he-normal for relu and leaky-relu, else xavier-normal)", HelpName = "NAME" };

    /// <summary>--init.</summary>
    public Option<string> Init { get; } = new("--init") { Description = "Start from the weights in this safetensors file", HelpName = "FILE.safetensors" };

    /// <summary>--optimizer.</summary>
    public Option<string> Optimizer { get; } = new("--optimizer") { Description = $"{Functional.Optimizer.Names} (default: adam with data, sgd for the seed demo)", HelpName = "NAME" };

    /// <summary>--momentum.</summary>
    public Option<double> Momentum { get; } = new("--momentum") { Description = "Momentum coefficient for momentum/nesterov (default: 0.9)", HelpName = "M" };

    /// <summary>--beta1.</summary>
    public Option<double> Beta1 { get; } = new("--beta1") { Description = "Adam β₁ (default: 0.9)", HelpName = "B1" };

    /// <summary>--beta2.</summary>
    public Option<double> Beta2 { get; } = new("--beta2") { Description = "Adam β₂ (default: 0.999)", HelpName = "B2" };

    /// <summary>--eps.</summary>
    public Option<double> Eps { get; } = new("--eps") { Description = "Adam ε (default: 1e-8)", HelpName = "E" };

    /// <summary>--weight-decay.</summary>
    public Option<double> WeightDecay { get; } = new("--weight-decay") { Description = "L2 weight decay; decoupled for adamw (default: 0)", HelpName = "L" };

    /// <summary>--clip-norm.</summary>
    public Option<double> ClipNorm { get; } = new("--clip-norm") { Description = "Scale the gradients down to this global L2 norm first, as PyTorch's clip_grad_norm_ (default: no clipping)", HelpName = "X" };

    /// <summary>--schedule.</summary>
    public Option<string> Schedule { get; } = new("--schedule") { Description = "Learning-rate schedule: constant|step|cosine (default: constant)", HelpName = "NAME" };

    /// <summary>--decay-steps.</summary>
    public Option<long> DecaySteps { get; } = new("--decay-steps") { Description = "step: steps between decays; cosine: steps to the floor (default: the whole run)", HelpName = "N" };

    /// <summary>--decay-rate.</summary>
    public Option<double> DecayRate { get; } = new("--decay-rate") { Description = "step: factor per decay; cosine: floor as a fraction of --lr (default: 0.1)", HelpName = "R" };

    /// <summary>--keep-every.</summary>
    public Option<int> KeepEvery { get; } = new("--keep-every") { Description = "Keep every Kth epoch's state plus the last (default: 1)", HelpName = "K" };

    /// <summary>--keep-last.</summary>
    public Option<int> KeepLast { get; } = new("--keep-last") { Description = "Keep only the last N of the states --keep-every keeps, plus state 0 and the last (default: all)", HelpName = "N" };

    /// <summary>--keep-best.</summary>
    public Option<bool> KeepBest { get; } = new("--keep-best") { Description = "Always keep the best epoch's state by --monitor (needs --validation-split)" };

    /// <summary>--patience.</summary>
    public Option<int> Patience { get; } = new("--patience") { Description = "Stop after N epochs without a better --monitor value (needs --validation-split; default: train every epoch)", HelpName = "N" };

    /// <summary>--monitor.</summary>
    public Option<string> Monitor { get; } = new("--monitor") { Description = $"What --patience, --keep-best and --restore-best watch: {EarlyStopping.Names} (default: val_loss)", HelpName = "NAME" };

    /// <summary>--restore-best.</summary>
    public Option<bool> RestoreBest { get; } = new("--restore-best") { Description = "Make final.safetensors the best epoch's model by --monitor, whose state is kept (needs --validation-split)" };

    /// <summary>--on-nonfinite.</summary>
    public Option<string> OnNonfinite { get; } = new("--on-nonfinite") { Description = "When a step yields NaN/Inf: stop (keep the last finite state) or skip that update (default: stop)", HelpName = "stop|skip" };

    /// <summary>--max-skips.</summary>
    public Option<int> MaxSkips { get; } = new("--max-skips") { Description = "With --on-nonfinite skip: how many updates may be dropped before stopping (default: 10)", HelpName = "N" };

    /// <summary>Every option above, in help order.</summary>
    public IEnumerable<Option> All =>
    [
        Layers, Activation, OutputActivation, Loss, Lr, Epochs, Seed, Data, Layout.Delimiter, Layout.NoHeader, Target, Features, Dataset, Task, Standardize, NoStandardize,
        StandardizeTarget, NoStandardizeTarget, ValidationSplit, TestSplit, BatchSize, InitScheme, Init, Optimizer, Momentum, Beta1, Beta2, Eps, WeightDecay, ClipNorm,
        Schedule, DecaySteps, DecayRate, KeepEvery, KeepLast, KeepBest, Patience, Monitor, RestoreBest, OnNonfinite, MaxSkips,
    ];

    /// <summary>The spec with every option given on the command line applied over <paramref name="spec"/>.</summary>
    public RunSpec Apply(ParseResult result, RunSpec spec)
    {
        bool Given(Option option) => result.GetResult(option) is { Implicit: false };
        T Value<T>(Option<T> option) => result.GetValue(option)!;
        if (Given(Layers)) spec = spec with { Layers = Value(Layers) };
        if (Given(Activation)) spec = spec with { Activation = Value(Activation) };
        if (Given(OutputActivation)) spec = spec with { OutputActivation = Value(OutputActivation) };
        if (Given(Loss)) spec = spec with { Loss = Value(Loss) };
        if (Given(Lr)) spec = spec with { Lr = Value(Lr) };
        if (Given(Epochs)) spec = spec with { Epochs = Value(Epochs) };
        if (Given(Seed)) spec = spec with { Seed = Value(Seed) };
        if (Given(Data)) spec = spec with { Data = Value(Data) };
        if (Given(Target)) spec = spec with { Target = Value(Target) };
        if (Given(Features)) spec = spec with { Features = Value(Features) };
        if (Given(Dataset)) spec = spec with { Dataset = Value(Dataset) };
        if (Given(Layout.Delimiter)) spec = spec with { Delimiter = DataLayout.Typed(Value(Layout.Delimiter)) };
        if (Given(Layout.NoHeader) && Value(Layout.NoHeader)) spec = spec with { NoHeader = true };
        if (Given(Task)) spec = spec with { Task = Value(Task) };
        if (Given(Standardize)) spec = spec with { Standardize = Value(Standardize) };
        if (Given(NoStandardize) && Value(NoStandardize)) spec = spec with { Standardize = false };
        if (Given(StandardizeTarget)) spec = spec with { StandardizeTarget = Value(StandardizeTarget) };
        if (Given(NoStandardizeTarget) && Value(NoStandardizeTarget)) spec = spec with { StandardizeTarget = false };
        if (Given(ValidationSplit)) spec = spec with { ValidationSplit = Value(ValidationSplit) };
        if (Given(TestSplit)) spec = spec with { TestSplit = Value(TestSplit) };
        if (Given(BatchSize)) spec = spec with { BatchSize = Value(BatchSize) };
        if (Given(InitScheme)) spec = spec with { InitScheme = Value(InitScheme) };
        if (Given(Init)) spec = spec with { Init = Value(Init), InitSha256 = null };
        if (Given(Optimizer)) spec = spec with { Optimizer = Value(Optimizer) };
        if (Given(Momentum)) spec = spec with { Momentum = Value(Momentum) };
        if (Given(Beta1)) spec = spec with { Beta1 = Value(Beta1) };
        if (Given(Beta2)) spec = spec with { Beta2 = Value(Beta2) };
        if (Given(Eps)) spec = spec with { Eps = Value(Eps) };
        if (Given(WeightDecay)) spec = spec with { WeightDecay = Value(WeightDecay) };
        if (Given(ClipNorm)) spec = spec with { ClipNorm = Value(ClipNorm) };
        if (Given(Schedule)) spec = spec with { Schedule = Value(Schedule) };
        if (Given(DecaySteps)) spec = spec with { DecaySteps = Value(DecaySteps) };
        if (Given(DecayRate)) spec = spec with { DecayRate = Value(DecayRate) };
        if (Given(KeepEvery)) spec = spec with { KeepEvery = Value(KeepEvery) };
        if (Given(KeepLast)) spec = spec with { KeepLast = Value(KeepLast) };
        if (Given(KeepBest)) spec = spec with { KeepBest = Value(KeepBest) };
        if (Given(Patience)) spec = spec with { Patience = Value(Patience) };
        if (Given(Monitor)) spec = spec with { Monitor = Value(Monitor) };
        if (Given(RestoreBest)) spec = spec with { RestoreBest = Value(RestoreBest) };
        if (Given(OnNonfinite)) spec = spec with { OnNonfinite = Value(OnNonfinite) };
        if (Given(MaxSkips)) spec = spec with { MaxSkips = Value(MaxSkips) };
        return spec;
    }

    /// <summary>Refuses an option together with the one that turns it off.</summary>
    public void Validate(CommandResult result)
    {
        foreach (var (on, off) in new[] { (Standardize, NoStandardize), (StandardizeTarget, NoStandardizeTarget) })
            if (result.GetResult(on) is { Implicit: false } && result.GetResult(off) is { Implicit: false })
                result.AddError($"give {on.Name} or {off.Name}, not both");
    }

    /// <summary>
    /// Refuses the options that watch a validation measurement without a validation split to
    /// measure it on, and --monitor without one of them. With <paramref name="configGiven"/> the
    /// split may come from the file: the run's own checks refuse it then.
    /// </summary>
    public void ValidateMonitoring(CommandResult result, bool configGiven)
    {
        bool Given(Option option) => result.GetResult(option) is { Implicit: false };
        var watcher = new Option[] { Patience, RestoreBest, KeepBest }.FirstOrDefault(o => Given(o) && (o is not Option<bool> flag || result.GetValue(flag)));
        if (configGiven) return;
        if (watcher is null && Given(Monitor))
            result.AddError("--monitor says what --patience, --restore-best and --keep-best watch; give one of them");
        else if (watcher is not null && !(Given(ValidationSplit) && result.GetValue(ValidationSplit) > 0))
            result.AddError($"{watcher.Name} needs a validation split to monitor: give --validation-split F (e.g. 0.2)");
    }

    private static int ParseBatchSize(ArgumentResult result)
    {
        var text = result.Tokens[0].Value.Trim();
        if (string.Equals(text, "all", StringComparison.OrdinalIgnoreCase)) return 0;
        if (int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var size)) return size;
        result.AddError($"--batch-size: '{text}' is neither a whole number nor 'all'");
        return 0;
    }

    private static int[] ParseWidths(ArgumentResult result)
    {
        var parts = result.Tokens[0].Value.Split(',', StringSplitOptions.TrimEntries);
        var widths = new int[parts.Length];
        for (var i = 0; i < parts.Length; i++)
            if (!int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out widths[i]) || widths[i] < 1)
            {
                result.AddError($"--layers: '{parts[i]}' is not a positive whole number (expected widths like 10,32,2)");
                return [];
            }
        if (widths.Length < 2) result.AddError("--layers needs at least two widths (inputs and outputs)");
        return widths;
    }

    private static string[] ParseNames(ArgumentResult result)
    {
        var names = result.Tokens[0].Value.Split(',', StringSplitOptions.TrimEntries);
        if (names.Any(n => n.Length == 0)) result.AddError("a column name in the list is empty");
        return names;
    }
}
