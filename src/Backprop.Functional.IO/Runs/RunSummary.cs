using LanguageExt;

namespace Backprop.Functional.Runs;

/// <summary>
/// What a run directory says about its run as a whole, read without loading its data: the epochs
/// recorded of the total, how many states it keeps, and for a run that monitors a validation
/// measurement the best epoch and whether patience stopped it, recomputed from metrics.csv.
/// </summary>
/// <param name="Spec">run.json's specification.</param>
/// <param name="Epochs">The epochs metrics.csv records.</param>
/// <param name="Kept">The states in states/.</param>
/// <param name="Stopping">The stopping rule's decision over the recorded epochs (null when the run monitors nothing).</param>
/// <param name="Outcome">What run.json records of the run's end (null when nothing).</param>
public sealed record RunSummary(RunSpec Spec, int Epochs, int Kept, StopDecision? Stopping, RunOutcome? Outcome)
{
    /// <summary>What layers.csv says went wrong (<see cref="LayerWarnings"/>); empty when nothing did or the run has no layers.csv.</summary>
    public Arr<string> Warnings { get; init; }

    /// <summary>
    /// The warnings of the run in <paramref name="directory"/> from its layers.csv rows and the
    /// activations of its state 0; none when it has no layers.csv (made before it was recorded)
    /// or no readable state 0, and one line saying so when layers.csv cannot be read.
    /// </summary>
    public static Arr<string> WarningsOf(RunDirectory directory)
    {
        if (directory.ReadLayersText().Failed(out var readError, out var file)) return Arr.create($"warning: no layer warnings: {readError.Message}");
        if (file.IfNoneUnsafe((string?)null) is not { } text) return [];
        if (directory.ReadState(0).Failed(out _, out var state)) return [];
        if (LayerRows.Parse(directory.LayersFile, LayerRows.Complete(text.TrimStart('\uFEFF'))).Failed(out var parseError, out var rows))
            return Arr.create($"warning: no layer warnings: {parseError.Message}");
        return LayerWarnings.Of(rows, state.State.Network.Activations.Map(a => a.Name).ToArr());
    }

    /// <summary>Reads the summary of the run in <paramref name="directory"/>.</summary>
    public static Fin<RunSummary> Read(RunDirectory directory) =>
        from spec in directory.ReadSpec()
        from text in directory.ReadRunText()
        from outcome in RunFile.ParseOutcome(directory.RunFile, text)
        from rows in directory.ReadMetrics()
        let monitor = spec.Monitor is { } name && EarlyStopping.Parse(name).Case is Monitor m ? m : (Monitor?)null
        let stopping = monitor is { } watched
            ? EarlyStopping.Decide(rows.Map(r => (watched == Monitor.ValAccuracy ? r.Metrics.ValidationAccuracy : r.Metrics.ValidationLoss) ?? double.NaN), watched, spec.Patience)
            : null
        select new RunSummary(spec, rows.Count, directory.List().Epochs.Count, stopping, outcome.Case as RunOutcome) { Warnings = WarningsOf(directory) };

    /// <summary>The summary as "label  value" lines.</summary>
    public IEnumerable<(string Label, string Value)> Lines()
    {
        var total = Spec.Epochs is { } n ? $" of {n:N0}" : "";
        var stopped = Stopping is { Stop: true } ? $"; patience {Spec.Patience} stopped it early" : "";
        yield return ("epochs", $"{Epochs:N0}{total} recorded{stopped}");
        yield return ("states kept", $"{Kept:N0} (keep-every {Spec.KeepEvery}" + (Spec.KeepLast is { } last ? $", keep-last {last}" : "") +
                                     (Spec.KeepBest == true || Spec.RestoreBest == true ? ", the best" : "") + ")");
        if (Stopping?.Best is { } best)
            yield return ("best epoch", $"{best.Epoch} ({Spec.Monitor} {best.Value.ToString("R", System.Globalization.CultureInfo.InvariantCulture)})" +
                                        (Spec.RestoreBest == true ? $"; {RunDirectory.FinalFileName} is its model" : ""));
    }
}
