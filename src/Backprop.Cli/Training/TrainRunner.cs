using System.Diagnostics;
using System.Globalization;
using Backprop.Functional;
using Backprop.Functional.IO;
using Backprop.Functional.Runs;
using LanguageExt;
using LanguageExt.Common;

namespace Backprop.Cli.Training;

/// <summary>
/// The shell's epoch loop: a fold of <see cref="Functional.Training.Epoch"/> from the start
/// state to the last epoch, reporting each epoch to the view and handing each new state to the
/// run's writer (without a writer or a validation split, <see cref="Functional.Training.Epochs"/>
/// folds them in chunks). It stops early when the stopping rule says so (<c>--patience</c>, asked
/// after every epoch through <see cref="PreparedRun.Stopping(StopDecision, EpochMetrics)"/>), when
/// interrupted, when a write fails or when a step produces NaN/±Inf that the policy does not skip.
/// </summary>
public static class TrainRunner
{
    /// <summary>Trains from <paramref name="start"/> up to the spec's epoch count, in <paramref name="compute"/>.</summary>
    public static Fin<int> Run(CommandContext context, PreparedRun run, TrainState start, RunSession? session, ComputeContext compute, ITrainingView view)
    {
        var (spec, config, data) = (run.Spec, run.Config, run.Data);
        var storage = session is null ? null : run.Storage().Case as StateStorage;
        if (storage is { Bytes: > StateStorage.Large })
            context.Error.WriteLine($"warning: this run's states will take about {ByteSize.Text(storage.Bytes)} on disk ({storage.Kept:N0} states of {ByteSize.Text(storage.BytesPerState)}); " +
                                    "--keep-every K or --keep-last N keeps fewer");
        var stopping = session?.Stopping ?? StopDecision.None;
        if (session is not null && stopping.Stop)
        {
            // Nothing to train: complete it (a trainer killed after its last epoch had not written its final model).
            if (session.Complete(start).Failed(out var completeError, out _)) return completeError;
            context.Out.WriteLine($"{session.Directory.Path}: the run is complete: {StopText(run, stopping)}; nothing to train");
            return ExitCodes.Success;
        }
        view.Header(HeaderLines(run, start, session, storage));

        using var interruption = new Interruption();
        var clock = Stopwatch.StartNew();
        EpochReport? last = null, best = null;
        // With --restore-best the model handed out is the best epoch's, so the test line measures that one.
        Network? bestNetwork = null;
        var outcome = view.Run(start.Epoch, run.Epochs, report =>
        {
            var state = start;
            // Nothing reads the states between epochs: fold them in chunks, reporting the losses.
            if (session is null && data.Validation is null && config.NonFinite is not NonFinitePolicy.SkipUpdates)
                return FoldInChunks(run, state, compute, interruption, epoch => report(last = epoch));
            while (state.Epoch < run.Epochs && !interruption.Requested)
            {
                var epochClock = Stopwatch.StartNew();
                var result = run.Epoch(state, session is { RecordsLayers: true }, compute);
                if (result.Stop is { } halted) return (state, halted, (Error?)null);
                if (result.FirstSkip is { } skip)
                    context.Error.WriteLine($"warning: epoch {state.Epoch + 1}: skipped {result.State.SkippedSteps - state.SkippedSteps} update(s), the first with {skip.Describe()} ({result.State.SkippedSteps} of at most {spec.MaxSkips} in this run)");
                var metrics = session?.Record(state, result, compute) ?? run.Measure(result, compute);
                last = new EpochReport(result.State.Epoch, metrics, data.Train.Rows / Math.Max(1e-9, epochClock.Elapsed.TotalSeconds));
                if (metrics.ValidationLoss is { } vl && !(best?.Metrics.ValidationLoss <= vl)) best = last;
                report(last);
                state = result.State;
                if (session?.Failure is { } failure) return (state, null, failure);
                stopping = run.Stopping(stopping, metrics);
                if (run.Spec.RestoreBest == true && stopping.Best?.Epoch == result.State.Epoch) bestNetwork = result.State.Network;
                if (stopping.Stop) break;
            }
            return (state, (EpochStop?)null, (Error?)null);
        });
        var (final, stop, writeFailure) = outcome;

        if (stop is not null) context.Error.WriteLine(NonFiniteMessage(final.Epoch + 1, stop, final, session));
        if (session is not null && session.Complete(final).Failed(out var writeError, out _)) return writeError;
        if (writeFailure is not null) return writeFailure;
        if (stopping.Stop) context.Out.WriteLine($"stopped early: {StopText(run, stopping)}");
        if (TestedNetwork(run, stopping, final, bestNetwork, session).Failed(out var bestError, out var tested)) return bestError;
        var test = data.Test is { } t && stop is null ? TestLine(run, tested, t, compute) : null;
        view.Summary(new TrainingSummary(start.Epoch, final.Epoch, last, best, clock.Elapsed, test, session?.Directory.Path));
        // From layers.csv, written by now: without a run directory nothing was recorded, so nothing is
        // warned; after a non-finite stop its one error line says what happened (show DIR still warns).
        if (session is { RecordsLayers: true } && stop is null) foreach (var warning in RunSummary.WarningsOf(session.Directory)) context.Error.WriteLine(warning);
        if (stop is not null) return ExitCodes.NonFinite;
        if (interruption.Requested)
        {
            context.Error.WriteLine($"interrupted: stopped after epoch {final.Epoch}" + (session is null ? "" : $"; its state is saved, 'train --resume {session.Directory.Path}' continues"));
            return interruption.ExitCode;
        }
        return ExitCodes.Success;
    }

    /// <summary>
    /// The epochs through <see cref="Functional.Training.Epochs"/>, a chunk at a time: chunks
    /// grow to about 50 ms so that the view and Ctrl+C are still served several times a second,
    /// while the states in between are never built.
    /// </summary>
    private static (TrainState, EpochStop?, Error?) FoldInChunks(PreparedRun run, TrainState state, ComputeContext compute, Interruption interruption, Action<EpochReport> report)
    {
        var (chunk, rows) = (1, run.Data.Train.Rows);
        while (state.Epoch < run.Epochs && !interruption.Requested)
        {
            var clock = Stopwatch.StartNew();
            var folded = Functional.Training.Epochs(run.Config, state, run.Data.Train, Math.Min(chunk, run.Epochs - state.Epoch), compute);
            var secondsPerEpoch = clock.Elapsed.TotalSeconds / Math.Max(1, folded.Losses.Count);
            for (var i = 0; i < folded.Losses.Count; i++)
                report(new EpochReport(state.Epoch + i + 1, new EpochMetrics(folded.Losses[i], null, null), rows / Math.Max(1e-9, secondsPerEpoch)));
            if (folded.Stop is { } halted) return (folded.State, halted, null);
            state = folded.State;
            chunk = (int)Math.Clamp(0.05 / Math.Max(secondsPerEpoch, 1e-9), 1, 1 << 16);
        }
        return (state, null, null);
    }

    /// <summary>Shortest text that reads back to the same double.</summary>
    public static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>"patience 10 stopped it after epoch 34: no better val_loss since epoch 24 (0.0312); final.safetensors is epoch 24's model".</summary>
    private static string StopText(PreparedRun run, StopDecision stopping) =>
        $"patience {run.Spec.Patience} stopped it after epoch {stopping.Epochs}: no better {run.Spec.Monitor} since epoch {stopping.Best?.Epoch}" +
        (stopping.Best is { } best ? $" ({Format(best.Value)})" : "") +
        (run.Spec.RestoreBest == true ? $"; {RunDirectory.FinalFileName} is epoch {stopping.Best?.Epoch}'s model (--restore-best)" : "");

    private static IEnumerable<string> HeaderLines(PreparedRun run, TrainState start, RunSession? session, StateStorage? storage)
    {
        var (config, data) = (run.Config, run.Data);
        yield return $"network {start.Network.Describe()}, {config.Loss.Name} loss, {config.Optimizer}";
        yield return $"data {run.DataDescription}: {data.Train.Rows} training rows, batch {config.BatchRows(data.Train.Rows)}" +
                     (data.Validation is { } v ? $", {v.Rows} validation rows" : "") + (data.Test is { } t ? $", {t.Rows} test rows" : "");
        if (session is not null && start.Epoch > 0) yield return $"resuming {session.Directory.Path} at epoch {start.Epoch}";
        if (run.Fork is { } fork && start.Epoch == 0) foreach (var line in ForkLines(run, fork)) yield return line;
        if (run.Monitor is not null)
            yield return $"monitoring {run.Spec.Monitor}: " + string.Join(", ", new[]
            {
                run.Spec.Patience is { } p ? $"stop after {p} epochs without a better one" : null,
                run.KeepsBest ? "keep the best state" : null,
                run.Spec.RestoreBest == true ? $"{RunDirectory.FinalFileName} is the best epoch's model" : null,
            }.Where(part => part is not null));
        if (storage is not null) yield return storage.ToString();
        if (!run.DataDefaults.IsEmpty)
            yield return $"defaults for data: {DefaultFlags(run.Spec, run.DataDefaults)} (an option given chooses otherwise; " +
                         "--no-standardize, --no-standardize-target and --batch-size all turn those off)";
        if (run.TaskNote is { } note) yield return $"task classification: {note} (--task regression regresses it instead)";
        if (run.Schema.TargetStandardization.Case is Standardization scaling)
            yield return $"targets standardized on the training rows ({TargetScales(run.Schema, scaling)}): the epoch and validation losses are in " +
                         "standardized units; the test line, evaluate and predict are in the target's own (--no-standardize-target trains on them as they are)";
    }

    /// <summary>Where a fork starts, what it changed and whether the optimizer's state came along.</summary>
    private static IEnumerable<string> ForkLines(PreparedRun run, ForkOrigin fork)
    {
        var parent = fork.Parent;
        yield return $"fork of {parent.Run} at its epoch {parent.Epoch} (state SHA-256 {parent.Sha256[..Math.Min(12, parent.Sha256.Length)]}…): " +
                     $"weights, generator and step count ({parent.State.State.Step}) carried over; the fork counts its epochs from 0";
        var changes = Functional.Runs.Fork.Changes(parent.State.Config, run.StateConfig);
        yield return changes.IsEmpty
            ? "changed: nothing (the fork retraces its parent)"
            : $"changed: {string.Join(", ", changes.Map(c => $"{c.Key} {c.Before} → {c.After}"))}";
        var optimizer = run.Config.Optimizer.Name;
        yield return fork.OptimizerCarried
            ? $"optimizer state carried over ({optimizer}, {parent.State.State.Optimizer.Count} updates so far)"
            : $"optimizer {fork.ParentOptimizer} → {optimizer}: its state starts fresh (other slots), and so does its schedule's step count";
    }

    /// <summary>The resolved values of the keys that took a data default, as the flags that would choose them.</summary>
    private static string DefaultFlags(RunSpec spec, Arr<string> keys)
    {
        var node = System.Text.Json.JsonSerializer.SerializeToNode(spec, RunSpec.Json)!.AsObject();
        return string.Join(" ", keys.Map(key => node[key] switch
        {
            System.Text.Json.Nodes.JsonArray list => $"--{key} {string.Join(",", list.Select(v => v!.ToJsonString()))}",
            System.Text.Json.Nodes.JsonValue value when value.TryGetValue<bool>(out var on) => on ? $"--{key}" : $"--no-{key}",
            System.Text.Json.Nodes.JsonValue value when value.TryGetValue<string>(out var text) => $"--{key} {text}",
            var value => $"--{key} {value?.ToJsonString()}",
        }));
    }

    private static string TargetScales(DataSchema schema, Standardization scaling) =>
        string.Join("; ", schema.Targets.Zip(scaling.Means.Zip(scaling.Stds)).Select(t =>
            $"{t.Item1}: mean {t.Item2.Item1.ToString("G6", CultureInfo.InvariantCulture)}, std {t.Item2.Item2.ToString("G6", CultureInfo.InvariantCulture)}"));

    /// <summary>
    /// The test line, in the targets' own units: with target scaling the network's outputs are
    /// mapped back before the loss is taken, and the mean predictor predicts the training targets'
    /// mean in their own units, so both numbers compare with what <c>evaluate</c> reports.
    /// </summary>
    /// <summary>
    /// The network the run hands out: the last state's, or with --restore-best the best epoch's
    /// (read back from the run directory when it was trained before a resume).
    /// </summary>
    private static Fin<Network> TestedNetwork(PreparedRun run, StopDecision stopping, TrainState final, Network? bestNetwork, RunSession? session)
    {
        if (run.Spec.RestoreBest != true || stopping.Best is not { } best || best.Epoch == final.Epoch) return final.Network;
        if (bestNetwork is not null) return bestNetwork;
        if (session is null) return final.Network;
        var directory = session.Directory;
        return directory.ReadStateBytes(best.Epoch).Bind(bytes => StateFile.Decode(bytes, directory.StatePath(best.Epoch))).Map(c => c.State.Network);
    }

    private static string TestLine(PreparedRun run, Network network, Dataset test, ComputeContext compute)
    {
        var units = run.InTargetUnits ?? run.Data;
        var evaluation = Evaluation.InTargetUnits(network, run.Config.Loss, units.Test ?? test, run.Schema.Task, run.Schema.TargetStandardization, compute);
        return $"test: loss {Format(evaluation.Loss)}" + (evaluation.Accuracy is { } a
            ? $", accuracy {a.ToString("0.0000", CultureInfo.InvariantCulture)}"
            : $" (predicting the training mean: {Format(Baseline.MeanPredictorLoss(run.Config.Loss, units.Train, units.Test ?? test))})");
    }

    private static string NonFiniteMessage(int epoch, EpochStop stop, TrainState last, RunSession? session) =>
        $"error: epoch {epoch}, step {stop.Step} of {stop.Steps}: {stop.Problem.Describe()}" +
        (stop.SkipLimitReached ? $" after {last.SkippedSteps} skipped updates (--max-skips)" : "") +
        $"; training stopped and kept the last finite state, epoch {last.Epoch}" +
        (session is null ? "" : $" ({session.Directory.FinalFile})");
}
