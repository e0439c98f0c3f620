using LanguageExt;
using LanguageExt.Common;

namespace Backprop.Functional.Runs;

/// <summary>
/// Where a refused setting lives in a run.json or <c>--config</c> file: the key of each setting
/// a <see cref="RunSpec"/> holds, so that a refusal of a value read from such a file names the
/// file and the key ("runs/iris/run.json: 'lr': -1 is out of range (must be &gt; 0 and finite)").
/// </summary>
public static class RunSpecKeys
{
    private static readonly Dictionary<string, string> Keys = new()
    {
        [Settings.LayerWidths] = "layers",
        [Settings.Activation] = "activation",
        [Settings.OutputActivation] = "output-activation",
        [Settings.Loss] = "loss",
        [Settings.LearningRate] = "lr",
        [Settings.Epochs] = "epochs",
        [Settings.Data] = "data",
        [Settings.TargetColumns] = "target",
        [Settings.FeatureColumns] = "features",
        [Settings.Dataset] = "dataset",
        [Settings.Task] = "task",
        [Settings.StandardizeTarget] = "standardize-target",
        [Settings.ValidationSplit] = "validation-split",
        [Settings.TestSplit] = "test-split",
        [Settings.BatchSize] = "batch-size",
        [Settings.InitScheme] = "init-scheme",
        [Settings.Init] = "init",
        [Settings.Optimizer] = "optimizer",
        [Settings.Momentum] = "momentum",
        [Settings.Beta1] = "beta1",
        [Settings.Beta2] = "beta2",
        [Settings.Epsilon] = "eps",
        [Settings.WeightDecay] = "weight-decay",
        [Settings.ClipNorm] = "clip-norm",
        [Settings.Schedule] = "schedule",
        [Settings.DecaySteps] = "decay-steps",
        [Settings.DecayRate] = "decay-rate",
        [Settings.KeepEvery] = "keep-every",
        [Settings.KeepLast] = "keep-last",
        [Settings.KeepBest] = "keep-best",
        [Settings.RestoreBest] = "restore-best",
        [Settings.Patience] = "patience",
        [Settings.Monitor] = "monitor",
        [Settings.Parent] = "parent",
        [Settings.OnNonfinite] = "on-nonfinite",
        [Settings.MaxSkips] = "max-skips",
    };

    /// <summary>The key of <paramref name="setting"/> in a run.json, or null when a run.json does not hold it.</summary>
    public static string? Of(string setting) => Keys.GetValueOrDefault(setting);

    /// <summary>The setting as a file's reader sees it: its key in quotes ('lr'), else its library name.</summary>
    public static string Quoted(string setting) => Of(setting) is { } key ? $"'{key}'" : setting;

    /// <summary>
    /// A refusal in <paramref name="fin"/> of a value read from the file <paramref name="source"/>,
    /// as a <see cref="RefusalInFile"/> that names the file and the key; anything else unchanged.
    /// </summary>
    public static Fin<A> InFile<A>(this Fin<A> fin, string source) =>
        fin.IsSucc || (Error)fin is not Refusal refusal ? fin : Fin<A>.Fail(new RefusalInFile(source, refusal));
}

/// <summary>A refusal of a value read from a configuration file: "cfg.json: 'lr': -1 is out of range (must be &gt; 0 and finite)".</summary>
/// <param name="Source">The file the value was read from.</param>
/// <param name="Refusal">What was refused.</param>
public sealed record RefusalInFile(string Source, Refusal Refusal)
    : Expected($"{Source}: {Refusal.Render(RunSpecKeys.Quoted)}", Refusal.RefusalCode, default);
