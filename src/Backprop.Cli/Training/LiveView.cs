using System.Globalization;
using Spectre.Console;

namespace Backprop.Cli.Training;

/// <summary>
/// A live Spectre.Console progress display for a terminal: epoch, loss, validation metric,
/// samples/s and time left, then a summary table. Spectre draws nothing for a progress bar
/// when output is redirected, so <see cref="TrainRunner"/> uses <see cref="PlainView"/> then.
/// </summary>
public sealed class LiveView(IAnsiConsole console) : ITrainingView
{
    /// <summary>Whether standard output is a terminal that can show a live display.</summary>
    public static bool Available =>
        !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive && AnsiConsole.Profile.Capabilities.Ansi;

    /// <inheritdoc/>
    public void Header(IEnumerable<string> lines)
    {
        foreach (var line in lines) console.MarkupLine($"[grey]{Markup.Escape(line)}[/]");
    }

    /// <inheritdoc/>
    public T Run<T>(int firstEpoch, int lastEpoch, Func<Action<EpochReport>, T> training) =>
        console.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn { Width = 24 }, new PercentageColumn(), new RemainingTimeColumn())
            .Start(context =>
            {
                var task = context.AddTask(Describe(firstEpoch, lastEpoch, null), maxValue: Math.Max(1, lastEpoch - firstEpoch));
                return training(report =>
                {
                    task.Description = Describe(report.Epoch, lastEpoch, report);
                    task.Increment(1);
                });
            });

    /// <inheritdoc/>
    public void Summary(TrainingSummary summary)
    {
        var table = new Table().Border(TableBorder.Rounded).Title("[bold]training summary[/]").AddColumn("").AddColumn("").HideHeaders();
        void Row(string name, string value) => table.AddRow(Markup.Escape(name), Markup.Escape(value));
        Row("epochs", summary.FirstEpoch == summary.LastEpoch ? $"{summary.LastEpoch}" : $"{summary.FirstEpoch} → {summary.LastEpoch}");
        if (summary.Last is { } last)
        {
            Row("final training loss", TrainRunner.Format(last.Metrics.Loss));
            if (last.Metrics.ValidationLoss is { } vl) Row("final validation loss", TrainRunner.Format(vl));
            if (last.Metrics.ValidationAccuracy is { } va) Row("final validation accuracy", va.ToString("0.0000", CultureInfo.InvariantCulture));
        }
        if (summary.BestValidation is { Metrics.ValidationLoss: { } best } at) Row("best validation loss", $"{TrainRunner.Format(best)} (epoch {at.Epoch})");
        if (summary.Test is { } test) Row("test", test.Replace("test: ", "", StringComparison.Ordinal));
        Row("time", $"{summary.Elapsed.TotalSeconds.ToString("0.000", CultureInfo.InvariantCulture)} s");
        if (summary.Last is { } l) Row("throughput", $"{l.SamplesPerSecond.ToString("N0", CultureInfo.InvariantCulture)} samples/s (last epoch)");
        if (summary.RunDirectory is { } dir) Row("run directory", dir);
        console.Write(table);
    }

    /// <summary>"72k samples", "1.2M samples".</summary>
    private static string Rate(double samples) => samples switch
    {
        >= 1e6 => $"{(samples / 1e6).ToString("0.0", CultureInfo.InvariantCulture)}M samples",
        >= 1e3 => $"{(samples / 1e3).ToString("0", CultureInfo.InvariantCulture)}k samples",
        _ => $"{samples.ToString("0", CultureInfo.InvariantCulture)} samples",
    };

    private static string Describe(int epoch, int last, EpochReport? report)
    {
        var text = $"epoch {epoch}/{last}";
        if (report is not { Metrics: var m }) return Markup.Escape(text);
        text += $" loss {m.Loss.ToString("G4", CultureInfo.InvariantCulture)}";
        if (m.ValidationLoss is { } vl) text += $" val {vl.ToString("G4", CultureInfo.InvariantCulture)}";
        if (m.ValidationAccuracy is { } va) text += $" acc {(100 * va).ToString("0.0", CultureInfo.InvariantCulture)}%";
        text += $" {Rate(report.SamplesPerSecond)}/s";
        return Markup.Escape(text);
    }
}
