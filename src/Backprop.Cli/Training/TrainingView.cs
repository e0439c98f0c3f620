using System.Globalization;
using Backprop.Functional.IO;

namespace Backprop.Cli.Training;

/// <summary>One finished epoch as the user sees it.</summary>
/// <param name="Epoch">The epoch just completed (1-based; it produced state <paramref name="Epoch"/>).</param>
/// <param name="Metrics">Its training loss and validation measurements.</param>
/// <param name="SamplesPerSecond">Training throughput over this epoch (averaged over its chunk when the epochs are folded a chunk at a time).</param>
public sealed record EpochReport(int Epoch, EpochMetrics Metrics, double SamplesPerSecond);

/// <summary>The end of a run, for the summary.</summary>
public sealed record TrainingSummary(int FirstEpoch, int LastEpoch, EpochReport? Last, EpochReport? BestValidation, TimeSpan Elapsed, string? Test, string? RunDirectory);

/// <summary>How training progress reaches the user: plain lines, or a live display on a terminal.</summary>
public interface ITrainingView
{
    /// <summary>What is being trained, before the first epoch.</summary>
    void Header(IEnumerable<string> lines);

    /// <summary>Runs the epoch loop inside the view (a live display needs to own the terminal meanwhile).</summary>
    T Run<T>(int firstEpoch, int lastEpoch, Func<Action<EpochReport>, T> training);

    /// <summary>The end of the run.</summary>
    void Summary(TrainingSummary summary);
}

/// <summary>One plain line per epoch: what redirected output, --plain and tests see.</summary>
public sealed class PlainView(TextWriter output) : ITrainingView
{
    /// <inheritdoc/>
    public void Header(IEnumerable<string> lines)
    {
        foreach (var line in lines) output.WriteLine(line);
    }

    /// <inheritdoc/>
    public T Run<T>(int firstEpoch, int lastEpoch, Func<Action<EpochReport>, T> training) => training(report => output.WriteLine(Line(report)));

    /// <inheritdoc/>
    public void Summary(TrainingSummary summary)
    {
        output.WriteLine($"{summary.Elapsed.TotalSeconds.ToString("0.000", CultureInfo.InvariantCulture)} seconds elapsed.");
        if (summary.Test is { } test) output.WriteLine(test);
    }

    /// <summary>"Epoch 3: loss 0.51 val_loss 0.6 val_accuracy 0.9333": the line format scripts rely on.</summary>
    public static string Line(EpochReport report)
    {
        var m = report.Metrics;
        return $"Epoch {report.Epoch}: loss {TrainRunner.Format(m.Loss)}" +
               (m.ValidationLoss is { } vl ? $" val_loss {TrainRunner.Format(vl)}" : "") +
               (m.ValidationAccuracy is { } va ? $" val_accuracy {va.ToString("0.0000", CultureInfo.InvariantCulture)}" : "");
    }
}
