using System.Diagnostics;
using System.Globalization;
using Backprop.Functional;
using Backprop.Functional.IO;
using LanguageExt;
using LanguageExt.Common;

namespace Backprop.Cli.Training;

/// <summary>
/// The shell's epoch loop: a fold of <see cref="Functional.Training.Epoch"/> from the start
/// state to the last epoch, printing one line per epoch and handing each new state to the
/// run's writer. It stops early only when interrupted or when a write fails.
/// </summary>
public static class TrainRunner
{
    /// <summary>Trains from <paramref name="start"/> up to the spec's epoch count.</summary>
    public static Fin<int> Run(CommandContext context, PreparedRun run, TrainState start, RunSession? session)
    {
        var (spec, config, data) = (run.Spec, run.Config, run.Data);
        context.Out.WriteLine($"network {start.Network.Describe()}, {config.Loss.Name} loss, {config.Optimizer}");
        context.Out.WriteLine($"data {run.DataDescription}: {data.Train.Rows} training rows, batch {config.BatchRows(data.Train.Rows)}" +
                              (data.Validation is { } v ? $", {v.Rows} validation rows" : "") + (data.Test is { } t ? $", {t.Rows} test rows" : ""));
        if (session is not null && start.Epoch > 0) context.Out.WriteLine($"resuming {session.Directory.Path} at epoch {start.Epoch}");

        using var interruption = new Interruption();
        var clock = Stopwatch.StartNew();
        var state = start;
        Error? failure = null;
        EpochStop? stop = null;
        while (state.Epoch < spec.Epochs && !interruption.Requested && failure is null && stop is null)
        {
            var result = Functional.Training.Epoch(config, state, data.Train);
            if (result.Stop is { } halted)
            {
                stop = halted;
                context.Error.WriteLine(NonFiniteMessage(state.Epoch + 1, halted, state, session));
                break;
            }
            if (result.FirstSkip is { } skip)
                context.Error.WriteLine($"warning: epoch {state.Epoch + 1}: skipped {result.State.SkippedSteps - state.SkippedSteps} update(s), the first with {skip.Describe()} ({result.State.SkippedSteps} of at most {spec.MaxSkips} in this run)");
            var metrics = Measure(result, run);
            context.Out.WriteLine(Line(result.State.Epoch, metrics));
            session?.Writer.Enqueue(session.CheckpointOf(result.State, metrics));
            failure = session?.Writer.Failure;
            state = result.State;
        }
        context.Out.WriteLine($"{clock.Elapsed.TotalSeconds.ToString("0.000", CultureInfo.InvariantCulture)} seconds elapsed.");

        if (session is not null && session.Writer.Complete(state.Network, config.Loss).Failed(out var writeError, out _)) return writeError;
        if (failure is not null) return failure;
        if (stop is not null) return ExitCodes.NonFinite;
        if (data.Test is { } test)
        {
            var evaluation = Evaluation.Of(state.Network, config.Loss, test, run.Schema.Task);
            context.Out.WriteLine($"test: loss {Format(evaluation.Loss)}" + (evaluation.Accuracy is { } a
                ? $", accuracy {a.ToString("0.0000", CultureInfo.InvariantCulture)}"
                : $" (predicting the training mean: {Format(Baseline.MeanPredictorLoss(config.Loss, data.Train, test))})"));
        }
        if (interruption.Requested)
        {
            context.Error.WriteLine($"interrupted: stopped after epoch {state.Epoch}" + (session is null ? "" : $"; its state is saved, 'train --resume {session.Directory.Path}' continues"));
            return interruption.ExitCode;
        }
        return ExitCodes.Success;
    }

    private static string NonFiniteMessage(int epoch, EpochStop stop, TrainState last, RunSession? session) =>
        $"error: epoch {epoch}, step {stop.Step} of {stop.Steps}: {stop.Problem.Describe()}" +
        (stop.SkipLimitReached ? $" after {last.SkippedSteps} skipped updates (--max-skips)" : "") +
        $"; training stopped and kept the last finite state, epoch {last.Epoch}" +
        (session is null ? "" : $" ({session.Directory.FinalFile})");

    /// <summary>The epoch's training loss and, when there is a validation split, the validation loss and accuracy after it.</summary>
    public static EpochMetrics Measure(EpochResult result, PreparedRun run)
    {
        if (run.Data.Validation is not { } validation) return new EpochMetrics(result.Loss, null, null);
        var evaluation = Evaluation.Of(result.State.Network, run.Config.Loss, validation, run.Schema.Task);
        return new EpochMetrics(result.Loss, evaluation.Loss, evaluation.Accuracy);
    }

    private static string Line(int epoch, EpochMetrics m) =>
        $"Epoch {epoch}: loss {Format(m.Loss)}" +
        (m.ValidationLoss is { } vl ? $" val_loss {Format(vl)}" : "") +
        (m.ValidationAccuracy is { } va ? $" val_accuracy {va.ToString("0.0000", CultureInfo.InvariantCulture)}" : "");

    /// <summary>Shortest text that reads back to the same double.</summary>
    public static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
