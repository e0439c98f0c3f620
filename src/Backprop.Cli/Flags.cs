using System.CommandLine;
using Backprop.Functional;
using Backprop.Functional.Runs;
using LanguageExt.Common;

namespace Backprop.Cli;

/// <summary>
/// The one table from the library's settings (<see cref="Settings"/>) to the flags that set them,
/// and how a <see cref="Refusal"/> is told on the command line: in flags ("--lr: -1 is out of
/// range (must be &gt; 0 and finite)") and, when a flag given on this command line set the refused
/// value, as a usage error (exit 2) like a value that does not parse.
/// </summary>
public static class Flags
{
    /// <summary>Settings only the command line has (the library's refusals never name them).</summary>
    public static class Shell
    {
#pragma warning disable CS1591 // Each name says what it is.
        public const string Threads = "threads";
        public const string Rows = "rows";
        public const string Row = "row";
        public const string TimedEpochs = "timed epochs";
        public const string MinSeconds = "minimum timed seconds";
        public const string Product = "product size";
        public const string Tolerance = "gradient check tolerance";
#pragma warning restore CS1591
    }

    private static readonly Dictionary<string, string> Table = new()
    {
        [Settings.LayerWidths] = "--layers",
        [Settings.Activation] = "--activation",
        [Settings.OutputActivation] = "--output-activation",
        [Settings.Loss] = "--loss",
        [Settings.LearningRate] = "--lr",
        [Settings.Epochs] = "--epochs",
        [Settings.Data] = "--data",
        [Settings.TargetColumns] = "--target",
        [Settings.FeatureColumns] = "--features",
        [Settings.Dataset] = "--dataset",
        [Settings.Delimiter] = "--delimiter",
        [Settings.NoHeader] = "--no-header",
        [Settings.Task] = "--task",
        [Settings.StandardizeTarget] = "--standardize-target",
        [Settings.ValidationSplit] = "--validation-split",
        [Settings.TestSplit] = "--test-split",
        [Settings.BatchSize] = "--batch-size",
        [Settings.InitScheme] = "--init-scheme",
        [Settings.Init] = "--init",
        [Settings.Optimizer] = "--optimizer",
        [Settings.Momentum] = "--momentum",
        [Settings.Beta1] = "--beta1",
        [Settings.Beta2] = "--beta2",
        [Settings.Epsilon] = "--eps",
        [Settings.WeightDecay] = "--weight-decay",
        [Settings.ClipNorm] = "--clip-norm",
        [Settings.Schedule] = "--schedule",
        [Settings.DecaySteps] = "--decay-steps",
        [Settings.DecayRate] = "--decay-rate",
        [Settings.KeepEvery] = "--keep-every",
        [Settings.KeepLast] = "--keep-last",
        [Settings.KeepBest] = "--keep-best",
        [Settings.RestoreBest] = "--restore-best",
        [Settings.Patience] = "--patience",
        [Settings.Monitor] = "--monitor",
        [Settings.Parent] = "--from",
        [Settings.ParentLocation] = "--parent",
        [Settings.OnNonfinite] = "--on-nonfinite",
        [Settings.MaxSkips] = "--max-skips",
        [Settings.FirstEpoch] = "--from",
        [Settings.LastEpoch] = "--to",
        [Shell.Threads] = "--threads",
        [Shell.Rows] = "--rows",
        [Shell.Row] = "--row",
        [Shell.Product] = "--product",
        [Shell.Tolerance] = "--tolerance",
        [Settings.SavedEpoch] = "--epoch",
        [Shell.TimedEpochs] = "--epochs",
        [Shell.MinSeconds] = "--min-seconds",
        [Settings.ExportFormat] = "--format",
        [Settings.ExportPrecision] = "--dtype",
    };

    /// <summary>The flag that sets <paramref name="setting"/>, or null when no flag does.</summary>
    public static string? Of(string setting) => Table.GetValueOrDefault(setting);

    /// <summary>The setting as a command line names it: its flag, else the library's name.</summary>
    public static string Named(string setting) => Of(setting) ?? setting;

    /// <summary>Whether a flag that sets <paramref name="setting"/> was given on the command line of <paramref name="parse"/>.</summary>
    public static bool Given(ParseResult parse, string setting) =>
        Of(setting) is { } flag && parse.CommandResult.Command.Options.FirstOrDefault(o => o.Name == flag) is { } option
                                && parse.GetResult(option) is { Implicit: false };

    /// <summary>
    /// The line and exit code for a failure: a <see cref="Refusal"/> of a value a flag on this
    /// command line set is a usage error, told in flags; any other failure is bad input (exit 1),
    /// a refusal among them still told in flags when each of its settings has one.
    /// </summary>
    public static (string Line, int Code) Describe(Error failure, ParseResult parse) => failure switch
    {
        Refusal refusal when refusal.Refused.Any(s => Given(parse, s)) => (refusal.Render(Named), ExitCodes.Usage),
        Refusal refusal when refusal.Refused.All(s => Of(s) is not null) => (refusal.Render(Named), ExitCodes.BadInput),
        _ => (failure.Message, ExitCodes.BadInput),
    };

    /// <summary>
    /// The failures of <paramref name="fin"/> about a value read from the configuration file
    /// <paramref name="source"/> (a refusal none of whose settings a flag on this command line
    /// set) made to name the file and its key; flags given keep theirs.
    /// </summary>
    public static LanguageExt.Fin<A> FromFile<A>(this LanguageExt.Fin<A> fin, ParseResult parse, string? source) =>
        source is not null && !fin.IsSucc && (Error)fin is Refusal refusal && !refusal.Refused.Any(s => Given(parse, s))
            ? fin.InFile(source)
            : fin;
}
