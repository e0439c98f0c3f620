using System.Text.Json;
using System.Text.Json.Serialization;
using Backprop.Functional.IO;

namespace Backprop.Functional.Runs;

/// <summary>
/// A run's specification: every option of <c>train</c> as one record. Its JSON form (keys are
/// the option names without dashes) is both what <c>run.json</c> records and what
/// <c>--config</c> reads. Null means "not chosen": <see cref="RunPlan.Resolve"/> resolves it,
/// and run.json stores the resolved value, so resolving a resolved spec changes nothing. Two sets
/// of defaults fill what is not chosen: without data, the seed notebook's (its network, sgd,
/// one full batch, nothing standardized), so that <c>train</c> alone is the notebook's demo bit
/// for bit; with data (<see cref="Data"/> or <see cref="Dataset"/>), defaults that learn on real
/// data (<see cref="RunPlan.Resolve"/> lists them).
/// </summary>
public sealed record RunSpec
{
    /// <summary>Every width, input first (null: the seed's; with data, the data's widths around two hidden layers, see <see cref="RunPlan.DataHiddenWidth"/>).</summary>
    public int[]? Layers { get; init; }

    /// <summary>Hidden-layer activation (null: the --init file's, else tanh with data, else sigmoid).</summary>
    public string? Activation { get; init; }

    /// <summary>Output activation (null: the --init file's, else softmax for cross-entropy, else identity for regression on data, else sigmoid).</summary>
    public string? OutputActivation { get; init; }

    /// <summary>Loss (null: cross-entropy for classification, else mse).</summary>
    public string? Loss { get; init; }

    /// <summary>Initial learning rate (null: 0.02, the seed's steps, for SGD; 0.001 for Adam).</summary>
    public double? Lr { get; init; }

    /// <summary>Epochs in total (null: 200, the seed's; with data, enough for about <see cref="RunPlan.DataSteps"/> steps, from 10 to 200).</summary>
    public int? Epochs { get; init; }

    /// <summary>Seed of every random draw.</summary>
    public ulong Seed { get; init; }

    /// <summary>A CSV file to train on (where the data was found: provenance, never compared; the fingerprint identifies the data).</summary>
    public string? Data { get; init; }

    /// <summary>Target column names in <see cref="Data"/>.</summary>
    public string[]? Target { get; init; }

    /// <summary>Feature columns by name, in input order (null: every column that is not a target, in file order).</summary>
    public string[]? Features { get; init; }

    /// <summary>
    /// The character between the fields of <see cref="Data"/> (null: a comma, or a tab for a .tsv
    /// file). Recorded only when it is not a comma, so a comma-separated run's run.json is unchanged.
    /// </summary>
    public string? Delimiter { get; init; }

    /// <summary>Whether <see cref="Data"/> has no header line, its columns named c0, c1, … (recorded only when true).</summary>
    public bool? NoHeader { get; init; }

    /// <summary>How <see cref="Data"/> is read: <see cref="Delimiter"/> and <see cref="NoHeader"/> over the file name's default.</summary>
    public CsvDialect DialectOf(string path) =>
        CsvDialect.For(path) with { Delimiter = Delimiter is { Length: 1 } d ? d[0] : CsvDialect.For(path).Delimiter, HasHeader = NoHeader != true };

    /// <summary>A data set shipped with the tool (iris or digits) instead of <see cref="Data"/>.</summary>
    public string? Dataset { get; init; }

    /// <summary>regression or classification (null: classification when the target holds text or a few distinct whole numbers).</summary>
    public string? Task { get; init; }

    /// <summary>Standardize features with the training rows' mean and std (null: yes with data, no for the seed demo).</summary>
    public bool? Standardize { get; init; }

    /// <summary>
    /// Standardize regression targets with the training rows' mean and std, training in those
    /// units and reporting the test line, <c>evaluate</c> and <c>predict</c> in the target's own
    /// (null: yes for regression on data with an identity output and mse, else no; resolved to
    /// null for classification, where it does not apply).
    /// </summary>
    public bool? StandardizeTarget { get; init; }

    /// <summary>Fraction of rows held out for validation.</summary>
    public double ValidationSplit { get; init; }

    /// <summary>Fraction of rows held out for testing.</summary>
    public double TestSplit { get; init; }

    /// <summary>Rows per step; 0 is every training row in one batch (null: 32 with data, every row for the seed demo).</summary>
    public int? BatchSize { get; init; }

    /// <summary>How initial weights are drawn (null: normal, the seed's; with data, the scheme that matches the activation: he-normal for relu and leaky-relu, else xavier-normal).</summary>
    public string? InitScheme { get; init; }

    /// <summary>A weights file to start from instead of a random initialization (a path: provenance, like <see cref="Data"/>).</summary>
    public string? Init { get; init; }

    /// <summary>The SHA-256 of the <see cref="Init"/> file's bytes: what identifies the starting weights.</summary>
    public string? InitSha256 { get; init; }

    /// <summary>
    /// The run directory this run forks (<c>train --from</c>): its state 0 is that run's state
    /// <see cref="ParentEpoch"/> (a path: provenance, like <see cref="Data"/>; the hashes below say
    /// what the parent is).
    /// </summary>
    public string? Parent { get; init; }

    /// <summary>The parent's epoch whose state is this run's state 0.</summary>
    public int? ParentEpoch { get; init; }

    /// <summary>The SHA-256 of the parent's state file at <see cref="ParentEpoch"/>: what identifies the starting state.</summary>
    public string? ParentSha256 { get; init; }

    /// <summary>The SHA-256 of the parent's state 0 file: what identifies the parent run (stable while it is resumed).</summary>
    public string? ParentRunSha256 { get; init; }

    /// <summary>sgd, momentum, nesterov, adam, adamw or amsgrad (null: adam with data, sgd for the seed demo).</summary>
    public string? Optimizer { get; init; }

    /// <summary>Momentum coefficient (momentum, nesterov).</summary>
    public double Momentum { get; init; } = 0.9;

    /// <summary>Adam's β₁.</summary>
    public double Beta1 { get; init; } = 0.9;

    /// <summary>Adam's β₂.</summary>
    public double Beta2 { get; init; } = 0.999;

    /// <summary>Adam's ε.</summary>
    public double Eps { get; init; } = 1e-8;

    /// <summary>L2 (or, for adamw, decoupled) weight decay.</summary>
    public double WeightDecay { get; init; }

    /// <summary>The largest global norm of the gradients, which are scaled down to it first (PyTorch's clip_grad_norm_; null: no clipping).</summary>
    public double? ClipNorm { get; init; }

    /// <summary>constant, step or cosine.</summary>
    public string Schedule { get; init; } = "constant";

    /// <summary>Steps between decays (step) or to the floor (cosine; null: the whole run).</summary>
    public long? DecaySteps { get; init; }

    /// <summary>Decay factor (step) or floor fraction (cosine).</summary>
    public double DecayRate { get; init; } = 0.1;

    /// <summary>Keep every Kth state (plus the first and the last).</summary>
    public int KeepEvery { get; init; } = 1;

    /// <summary>
    /// Keep only the states of the last N epochs that <see cref="KeepEvery"/> keeps (plus state 0,
    /// the last and, with <see cref="KeepBest"/>, the best; null: every one).
    /// </summary>
    public int? KeepLast { get; init; }

    /// <summary>Always keep the best epoch's state (see <see cref="Monitor"/>; null: not asked for).</summary>
    public bool? KeepBest { get; init; }

    /// <summary>Stop after this many epochs without an improvement of <see cref="Monitor"/> (null: train every epoch).</summary>
    public int? Patience { get; init; }

    /// <summary>
    /// What <see cref="Patience"/>, <see cref="KeepBest"/> and <see cref="RestoreBest"/> watch:
    /// val_loss or val_accuracy (resolved to val_loss when one of them is given, else null).
    /// </summary>
    public string? Monitor { get; init; }

    /// <summary>Make final.safetensors the best epoch's model, not the last one's (its state is then always kept; null: not asked for).</summary>
    public bool? RestoreBest { get; init; }

    /// <summary>What to do when a step produces NaN or ±Inf: stop or skip.</summary>
    public string OnNonfinite { get; init; } = "stop";

    /// <summary>How many non-finite steps <c>skip</c> may drop before stopping anyway.</summary>
    public int MaxSkips { get; init; } = 10;

    /// <summary>
    /// This spec as the run.json of an existing run means it. Runs made before the data defaults
    /// left out two keys whose absence meant "off" then: <c>batch-size</c> (every row in one batch)
    /// and <c>standardize-target</c> (no target scaling). A resolved spec records both wherever
    /// they apply, so this changes nothing for runs made since; and since the state's
    /// configuration leaves both out when off (<see cref="RunFile.StateConfig"/>), those older
    /// runs keep verifying, replaying and resuming. A spec a person writes (<c>--config</c>) is
    /// read as it is: a key left out there is not chosen.
    /// </summary>
    public RunSpec AsRecordedRun() => this with { BatchSize = BatchSize ?? 0, StandardizeTarget = StandardizeTarget ?? false };

    /// <summary>The JSON options run.json and --config use: kebab-case keys, nulls left out.</summary>
    public static JsonSerializerOptions Json { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.KebabCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        WriteIndented = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        MaxDepth = 8,
        AllowTrailingCommas = false,
        NumberHandling = JsonNumberHandling.Strict,
        // {"optimizer": null} is refused while reading instead of failing later as a null reference.
        RespectNullableAnnotations = true,
    };
}
