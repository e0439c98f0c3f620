using System.Globalization;
using LanguageExt;
using LanguageExt.Common;

namespace Backprop.Functional;

/// <summary>
/// A typed refusal of a setting's value: which setting (by the library's name for it, see
/// <see cref="Settings"/>), which value and what was expected. Its <see cref="Error.Message"/>
/// reads naturally for a library caller ("learning rate -1 is out of range: must be &gt; 0");
/// a shell that knows how its users spell a setting (a flag, a file's key) renders the same
/// refusal in those words with <see cref="Render"/>. The library never names a flag.
/// </summary>
public abstract record Refusal : Expected
{
    /// <summary>The error code every refusal carries.</summary>
    public const int RefusalCode = 12;

    /// <summary>A refusal whose message for library callers is <paramref name="message"/>.</summary>
    protected Refusal(string message) : base(message, RefusalCode, default) { }

    /// <summary>The settings the refusal is about, by the library's names (<see cref="Settings"/>).</summary>
    public abstract IReadOnlyList<string> Refused { get; }

    /// <summary>
    /// The refusal in the words of whoever names the settings: <paramref name="name"/> turns a
    /// setting's library name into its spelling there (a flag, a quoted key).
    /// </summary>
    public abstract string Render(Func<string, string> name);

    /// <summary>This refusal about <paramref name="setting"/> instead (a new value: its message names the new setting) (a name refused as an activation is refused as the output activation).</summary>
    public abstract Refusal About(string setting);

    /// <summary>A number as messages show it: shortest round-trip form, invariant culture.</summary>
    public static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}

/// <summary>A number outside the range its setting allows: "learning rate -1 is out of range: must be &gt; 0".</summary>
/// <param name="Setting">The setting's library name (<see cref="Settings"/>).</param>
/// <param name="Value">The refused value.</param>
/// <param name="Range">What it must be, after "must be": "&gt; 0", "in [0, 1)", "≥ 1".</param>
public sealed record OutOfRange(string Setting, double Value, string Range)
    : Refusal($"{Setting} {Number(Value)} is out of range: must be {Range}")
{
    /// <inheritdoc/>
    public override IReadOnlyList<string> Refused => [Setting];

    /// <inheritdoc/>
    public override string Render(Func<string, string> name) => $"{name(Setting)}: {Number(Value)} is out of range (must be {Range})";

    /// <inheritdoc/>
    public override Refusal About(string setting) => new OutOfRange(setting, Value, Range);
}

/// <summary>A name that is none of those its setting knows: "unknown optimizer 'foo' (expected sgd|momentum|…)".</summary>
/// <param name="Setting">The setting's library name (<see cref="Settings"/>).</param>
/// <param name="Value">The refused name, as given.</param>
/// <param name="Known">Every name the setting accepts.</param>
public sealed record UnknownName(string Setting, string Value, IReadOnlyList<string> Known)
    : Refusal($"unknown {Setting} {Quote.Value(Value)} (expected {string.Join("|", Known)})")
{
    /// <inheritdoc/>
    public override IReadOnlyList<string> Refused => [Setting];

    /// <inheritdoc/>
    public override string Render(Func<string, string> name) => $"{name(Setting)}: unknown name {Quote.Value(Value)} (expected {string.Join("|", Known)})";

    /// <inheritdoc/>
    public override Refusal About(string setting) => new UnknownName(setting, Value, Known);
}

/// <summary>A value its setting cannot take for a reason a range does not say: "layer widths 4: needs at least two widths (inputs and outputs)".</summary>
/// <param name="Setting">The setting's library name (<see cref="Settings"/>).</param>
/// <param name="Value">The refused value, as text.</param>
/// <param name="Expected">What the setting needs, in words that name no other setting.</param>
public sealed record InvalidSetting(string Setting, string Value, string Expected)
    : Refusal($"{Setting} {Value}: {Expected}")
{
    /// <inheritdoc/>
    public override IReadOnlyList<string> Refused => [Setting];

    /// <inheritdoc/>
    public override string Render(Func<string, string> name) => $"{name(Setting)}: {Value}: {Expected}";

    /// <inheritdoc/>
    public override Refusal About(string setting) => new InvalidSetting(setting, Value, Expected);
}

/// <summary>
/// Settings whose values do not go together (or a problem that names a setting): the text is a
/// template in which {0}, {1}, … stand for the settings, so that each reader sees them in its
/// own words: "loss cross-entropy needs output activation softmax, not sigmoid" for the library,
/// "--loss cross-entropy needs --output-activation softmax, not sigmoid" on a command line.
/// </summary>
/// <param name="Settings">The settings, by their library names, in the template's order.</param>
/// <param name="Template">The text with {0}, {1}, … for the settings.</param>
public sealed record Conflict(IReadOnlyList<string> Settings, string Template)
    : Refusal(Fill(Template, Settings, s => s))
{
    /// <inheritdoc/>
    public override IReadOnlyList<string> Refused => Settings;

    /// <inheritdoc/>
    public override string Render(Func<string, string> name) => Fill(Template, Settings, name);

    /// <inheritdoc/>
    public override Refusal About(string setting) => this;

    /// <summary>Text put into a template as it is (a path, a quoted name): its braces escaped.</summary>
    public static string Literal(string text) => text.Replace("{", "{{", StringComparison.Ordinal).Replace("}", "}}", StringComparison.Ordinal);

    private static string Fill(string template, IReadOnlyList<string> settings, Func<string, string> name) =>
        string.Format(CultureInfo.InvariantCulture, template, settings.Select(name).Cast<object>().ToArray());
}

/// <summary>The library's names of the settings its refusals are about: what a shell maps to its own spelling.</summary>
public static class Settings
{
#pragma warning disable CS1591 // Each name says what it is.
    public const string LearningRate = "learning rate";
    public const string Momentum = "momentum";
    public const string Beta1 = "beta1";
    public const string Beta2 = "beta2";
    public const string Epsilon = "epsilon";
    public const string WeightDecay = "weight decay";
    public const string ClipNorm = "clip norm";
    public const string Optimizer = "optimizer";
    public const string Schedule = "schedule";
    public const string DecaySteps = "decay steps";
    public const string DecayRate = "decay rate";
    public const string LayerWidths = "layer widths";
    public const string Activation = "activation";
    public const string OutputActivation = "output activation";
    public const string Loss = "loss";
    public const string InitScheme = "init scheme";
    public const string Epochs = "epochs";
    public const string BatchSize = "batch size";
    public const string KeepEvery = "state interval";
    public const string KeepLast = "number of last states kept";
    public const string KeepBest = "keeping the best state";
    public const string RestoreBest = "restoring the best state";
    public const string Patience = "patience";
    public const string Monitor = "monitored metric";
    public const string Parent = "parent run";
    public const string ParentLocation = "parent run's location";
    public const string ValidationSplit = "validation split";
    public const string TestSplit = "test split";
    public const string TargetColumns = "target columns";
    public const string FeatureColumns = "feature columns";
    public const string Data = "data file";
    public const string Dataset = "dataset";
    public const string Delimiter = "delimiter";
    public const string NoHeader = "header-less data";
    public const string Init = "init weights file";
    public const string StandardizeTarget = "target standardization";
    public const string OnNonfinite = "non-finite policy";
    public const string MaxSkips = "max skips";
    public const string Task = "task";
    public const string SavedEpoch = "saved epoch";
    public const string FirstEpoch = "first epoch to replay";
    public const string LastEpoch = "last epoch to replay";
    public const string ExportFormat = "export format";
    public const string ExportPrecision = "export precision";
#pragma warning restore CS1591
}

/// <summary>Helpers for <see cref="Refusal"/>s inside <see cref="Fin{A}"/>.</summary>
public static class RefusalExtensions
{
    /// <summary>A refusal in <paramref name="fin"/> made about <paramref name="setting"/> (see <see cref="Refusal.About"/>); anything else unchanged.</summary>
    public static Fin<A> About<A>(this Fin<A> fin, string setting) =>
        fin.IsSucc || (Error)fin is not Refusal refusal ? fin : Fin<A>.Fail(refusal.About(setting));
}
