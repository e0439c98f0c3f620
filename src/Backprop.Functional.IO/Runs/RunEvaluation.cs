using Backprop.Functional.IO;
using LanguageExt;
using LanguageExt.Common;

namespace Backprop.Functional.Runs;

/// <summary>One part of a run's data, as <see cref="DataSplit"/> cuts it.</summary>
public enum RunSplit
{
    /// <summary>The rows the run trains on.</summary>
    Train,

    /// <summary>The rows <c>--validation-split</c> holds out and every epoch is measured on.</summary>
    Validation,

    /// <summary>The rows <c>--test-split</c> holds out and the run is tested on once, at its end.</summary>
    Test,
}

/// <summary>A state of a run evaluated on one split of the run's own data.</summary>
/// <param name="Split">Which split.</param>
/// <param name="Epoch">The epoch of the state evaluated.</param>
/// <param name="Rows">How many rows the split holds.</param>
/// <param name="Schema">The run's data schema (classes, target scaling).</param>
/// <param name="Evaluation">
/// Loss and metrics in the targets' own units (a run on standardized targets has its outputs mapped
/// back first): for the test split the numbers train's <c>test:</c> line prints; for a
/// classification's validation split the val_loss and val_accuracy metrics.csv records for the epoch.
/// </param>
public sealed record SplitEvaluation(RunSplit Split, int Epoch, int Rows, DataSchema Schema, Evaluation Evaluation)
{
    /// <summary>
    /// The loss in the network's own units, when the run trains on standardized targets (null when
    /// it does not: then <see cref="Evaluation"/>'s loss is that loss too). On the validation split
    /// this is the val_loss metrics.csv records for the epoch.
    /// </summary>
    public double? NetworkUnitsLoss { get; init; }

    /// <summary>The loss of always predicting the training targets' mean, in their own units (regression only): train's test line prints it beside the test loss.</summary>
    public double? MeanPredictorLoss { get; init; }
}

/// <summary>
/// Evaluates a saved state of a run on the run's own training, validation or test rows, rebuilt
/// from run.json and its inputs by <see cref="RunPlan"/> exactly as replay and verify rebuild them,
/// so the numbers are the ones the run itself measured.
/// </summary>
public static class RunEvaluation
{
    /// <summary>The error code of a split the run does not hold (<see cref="Of(PreparedRun, Checkpoint, RunSplit?, ComputeContext?)"/>).</summary>
    public const int MissingSplitCode = 0x4250_0003;

    /// <summary>The rows of <paramref name="split"/> in <paramref name="data"/> (null when the run holds none).</summary>
    public static Dataset? Rows(DataSplit data, RunSplit split) => split switch
    {
        RunSplit.Train => data.Train,
        RunSplit.Validation => data.Validation,
        _ => data.Test,
    };

    /// <summary>The splits <paramref name="run"/> holds rows for, in the order train, validation, test.</summary>
    public static Arr<RunSplit> Splits(PreparedRun run) =>
        new[] { RunSplit.Train, RunSplit.Validation, RunSplit.Test }.Filter(s => Rows(run.Data, s) is { Rows: > 0 }).ToArr();

    /// <summary>The split evaluated when none is named: test when the run has one, else validation, else train.</summary>
    public static RunSplit DefaultSplit(PreparedRun run) => Splits(run).Last();

    /// <summary>The lowercase name of a split, as run.json and the command line spell it.</summary>
    public static string Name(RunSplit split) => split.ToString().ToLowerInvariant();

    /// <summary>
    /// Evaluates <paramref name="state"/> (a state of <paramref name="run"/>) on <paramref name="split"/>
    /// (default: <see cref="DefaultSplit"/>), computing exactly what training computed on it: the
    /// test split as train's test line, the validation split as each epoch's validation metrics.
    /// A split the run does not hold fails with <see cref="MissingSplitCode"/>.
    /// </summary>
    public static Fin<SplitEvaluation> Of(PreparedRun run, Checkpoint state, RunSplit? split = null, ComputeContext? compute = null)
    {
        var which = split ?? DefaultSplit(run);
        if (Missing(run, which) is { } missing) return missing;
        var rows = Rows(run.Data, which)!;
        var (network, loss, schema) = (state.State.Network, run.Config.Loss, run.Schema);
        var units = run.InTargetUnits ?? run.Data;
        var evaluation = Evaluation.InTargetUnits(network, loss, Rows(units, which)!, schema.Task, schema.TargetStandardization, compute);
        return new SplitEvaluation(which, state.State.Epoch, rows.Rows, schema, evaluation)
        {
            NetworkUnitsLoss = run.InTargetUnits is null ? null : Evaluation.Of(network, loss, rows, schema.Task, compute).Loss,
            MeanPredictorLoss = schema.Task == TaskKind.Regression ? Baseline.MeanPredictorLoss(loss, units.Train, Rows(units, which)!) : null,
        };
    }

    /// <summary>Why <paramref name="split"/> cannot be evaluated (null when the run holds rows for it).</summary>
    private static Error? Missing(PreparedRun run, RunSplit split) =>
        Rows(run.Data, split) is { Rows: > 0 } ? null
        : Error.New(MissingSplitCode, $"the run has no {Name(split)} split; it has {string.Join(", ", Splits(run).Map(s => $"{Name(s)} ({Rows(run.Data, s)!.Rows} rows)"))}" +
                                      (split is RunSplit.Validation or RunSplit.Test ? $" (a run holds one out only when trained with a {(split == RunSplit.Validation ? Settings.ValidationSplit : Settings.TestSplit)})" : ""));

    /// <summary>
    /// Evaluates state <paramref name="epoch"/> (default: the last) of the run at <paramref name="path"/>
    /// on <paramref name="split"/>, its inputs found where <paramref name="sources"/> says (see
    /// <see cref="OpenedRun.Open(string, RunSources)"/>). The state must belong to the run
    /// (<see cref="ChainCheck.Foreign"/>); one the run did not keep is rebuilt (<see cref="StateAt"/>).
    /// </summary>
    public static Fin<SplitEvaluation> Run(string path, RunSources sources, RunSplit? split, int? epoch, ComputeContext? compute = null)
    {
        if (OpenedRun.Open(path, sources).Failed(out var openError, out var run)) return openError;
        // A split the run lacks is refused before any state is read or rebuilt.
        if (split is { } named && Missing(run.Plan, named) is { } missing) return missing;
        return StateAt(run, epoch, compute).Bind(state => Of(run.Plan, state, split, compute));
    }

    /// <summary>
    /// State <paramref name="epoch"/> of <paramref name="run"/> (default: the state of the model the
    /// run hands out: the last kept, or with <c>restore-best</c> the best epoch's), checked to
    /// belong to the run. A state the run did not keep (<c>keep-every</c>) is rebuilt from the
    /// nearest kept one before it and must have the SHA-256 metrics.csv recorded for it.
    /// </summary>
    public static Fin<Checkpoint> StateAt(OpenedRun run, int? epoch, ComputeContext? compute = null)
    {
        var (directory, plan, kept) = (run.Directory, run.Plan, run.Listing.Epochs);
        if (kept.IsEmpty) return Error.New($"{directory.Path}: holds no saved state");
        if (epoch is < 0) return Error.New($"the epoch must be ≥ 0 (got {epoch})");
        var wanted = epoch ?? (run.Plan.Spec.RestoreBest == true && run.Outcome?.BestEpoch is { } best ? best : kept[^1]);
        if (wanted > kept[^1]) return Error.New($"{directory.Path}: epoch {wanted} is beyond the last epoch ({kept[^1]})");
        var start = kept.Filter(e => e <= wanted).LastOrDefault(-1);
        if (start < 0) return Error.New($"{directory.Path}: no state is kept at or before epoch {wanted}");

        var startPath = directory.StatePath(start);
        if (directory.ReadStateBytes(start).Failed(out var readError, out var bytes)) return readError;
        if (StateFile.Decode(bytes, startPath).Failed(out var decodeError, out var checkpoint)) return decodeError;
        if (ChainCheck.Foreign(plan, checkpoint, start).FirstOrDefault() is { } foreign) return Error.New($"{startPath}: {foreign}");
        if (start == wanted) return checkpoint;

        if (directory.ReadMetrics().Failed(out var metricsError, out var rows)) return metricsError;
        if (wanted > rows.Count) return Error.New($"{directory.MetricsFile}: has no row for epoch {wanted}, which the run did not keep");
        var sha = Fingerprint.Of(bytes);
        for (var e = start + 1; e <= wanted; e++)
        {
            var result = Functional.Training.Epoch(plan.Config, checkpoint.State, plan.Data.Train, compute);
            checkpoint = plan.CheckpointAfter(result, sha, compute);
            sha = Fingerprint.Of(StateFile.Encode(checkpoint));
        }
        return sha == rows[wanted - 1].StateSha256
            ? checkpoint
            : Error.New($"{directory.Path}: epoch {wanted} was not kept, and rebuilding it from epoch {start} gives a state whose SHA-256 {sha[..12]}… is not the {rows[wanted - 1].StateSha256[..12]}… metrics.csv recorded ('verify' says where the run breaks)");
    }
}
