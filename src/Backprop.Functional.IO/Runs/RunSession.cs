using System.Text.Json.Nodes;
using Backprop.Functional.IO;
using LanguageExt;
using LanguageExt.Common;

namespace Backprop.Functional.Runs;

/// <summary>
/// A run directory being trained into: its lock (held until disposed), the background writer,
/// and the run whose states it records. The caller folds the epochs and hands each result to
/// <see cref="Record"/>; the session turns it into the epoch's checkpoint (linked to the
/// previous state's hash) and writes it.
/// </summary>
public sealed class RunSession : IDisposable
{
    private readonly IDisposable _lock;
    private readonly RunWriter _writer;

    private RunSession(RunDirectory directory, IDisposable runLock, RunWriter writer, PreparedRun run, StopDecision stopping) =>
        (Directory, _lock, _writer, Run, Stopping) = (directory, runLock, writer, run, stopping);

    /// <summary>
    /// The stopping rule's decision over the epochs trained before this session (none for a new
    /// run): a resumed run that <c>patience</c> already stopped has <see cref="StopDecision.Stop"/>, and is complete.
    /// </summary>
    public StopDecision Stopping { get; }

    /// <summary>The directory.</summary>
    public RunDirectory Directory { get; }

    /// <summary>The run being trained.</summary>
    public PreparedRun Run { get; }

    /// <summary>The first write failure, if any (training should stop: the message names the file).</summary>
    public Error? Failure => _writer.Failure;

    /// <summary>
    /// Measures epoch <paramref name="result"/> (<see cref="PreparedRun.Measure"/>, in
    /// <paramref name="compute"/>) and queues its state for writing; returns what it measured.
    /// </summary>
    /// <remarks>
    /// When the run records layers.csv the epoch's layer statistics are recorded too: those
    /// <paramref name="result"/> measured (train it with <see cref="Functional.Training.MeasuredEpoch"/>,
    /// or <see cref="PreparedRun.Epoch"/> with <see cref="RecordsLayers"/>), else measured again
    /// from <paramref name="start"/>, the state the epoch started from.
    /// </remarks>
    public EpochMetrics Record(TrainState start, EpochResult result, ComputeContext? compute = null)
    {
        var metrics = Run.Measure(result, compute);
        var layers = _writer.RecordsLayers ? Run.LayersOf(start, result, compute) : default;
        _writer.Enqueue(Run.CheckpointOf(result.State, metrics, null), layers);
        return metrics;
    }

    /// <summary>Whether the run records layers.csv (runs made before it existed do not, and go on without it).</summary>
    public bool RecordsLayers => _writer.RecordsLayers;

    /// <summary>Waits until every recorded state is on disk, then writes final.safetensors, the model of <paramref name="final"/>.</summary>
    public Fin<Unit> Complete(TrainState final) =>
        _writer.Complete().Map(last => last.State == final
            ? Unit.Default
            : throw new InvalidOperationException("final.safetensors must be the model of the last state recorded"));

    /// <summary>
    /// Creates a new run directory for a prepared run with state 0, metrics.csv and run.json
    /// (see <see cref="RunDirectory.Create"/>). A state this run would write that readers
    /// could not read back is refused now, before any training.
    /// </summary>
    public static Fin<RunSession> Create(string path, PreparedRun run, Provenance provenance)
    {
        // The largest state any epoch can write, measured before the first one is: a run whose
        // states readers would refuse (too large, a header too long) is not started.
        if (StateFile.CheckWritable(run.InitialCheckpoint()).Failed(out var sizeError, out _)) return sizeError;
        if (StateFile.TryEncode(run.InitialCheckpoint()).Failed(out var encodeError, out var initial)) return encodeError;
        var created = RunDirectory.Create(path, draft =>
            from _1 in AtomicFile.Write(draft.StatePath(0), initial)
            from _2 in AtomicFile.WriteText(draft.MetricsFile, MetricsRow.Header + "\n")
            from _4 in AtomicFile.WriteText(draft.LayersFile, LayerRow.Header + "\n")
            from _3 in AtomicFile.WriteText(draft.RunFile, RunFile.Text(run.Spec, provenance))
            select Unit.Default);
        if (created.Failed(out var createError, out var directory)) return createError;
        var started = RunWriter.Start(directory.Run, run, run.InitialCheckpoint(), Fingerprint.Of(initial), []);
        if (started.Failed(out var writerError, out var writer))
        {
            directory.Lock.Dispose();
            return writerError;
        }
        return new RunSession(directory.Run, directory.Lock, writer, run, StopDecision.None);
    }

    /// <summary>
    /// Reopens a run at its last complete state, after checking everything it builds on: the
    /// chain (<see cref="ChainCheck"/>, which rebuilds state 0 from run.json) and a replay of the
    /// epochs since the last kept state before the last one, so a last state that was edited
    /// and resealed is refused. <paramref name="epochs"/> (a new total) and moved inputs
    /// (<paramref name="sources"/>) are written back to run.json. The replay runs in
    /// <paramref name="compute"/> (without one, on the calling thread).
    /// </summary>
    public static Fin<(RunSession Session, TrainState Start)> Resume(string path, RunSources sources, int? epochs, ComputeContext? compute = null)
    {
        if (RunDirectory.Open(path).Failed(out var openError, out var directory)) return openError;
        if (directory.Lock().Failed(out var lockError, out var runLock)) return lockError;
        var reopened = Reopen(directory, sources, epochs, compute);
        if (reopened.Failed(out var error, out var value))
        {
            runLock.Dispose();
            return error;
        }
        return (new RunSession(directory, runLock, value.Writer, value.Run, value.Stopping), value.Start);
    }

    private static Fin<(PreparedRun Run, TrainState Start, RunWriter Writer, StopDecision Stopping)> Reopen(RunDirectory directory, RunSources sources, int? epochs, ComputeContext? compute)
    {
        if (OpenedRun.Open(directory, sources, savesStates: true).Failed(out var openError, out var run)) return openError;
        var (breaks, end) = ChainCheck.Run(run, MetricsReading.AfterCrash);
        if (!breaks.IsEmpty || end is null)
            return Error.New(breaks.IsEmpty ? $"{directory.Path}: holds no complete state to resume from" : Refusal(directory, breaks, run.Listing.Last));
        var last = end.Last;
        if (epochs is { } total && total < last) return new OutOfRange(Settings.Epochs, total, $"≥ {last}, the epochs already trained in {directory.Path}");

        if (last > 0)
        {
            var from = run.Listing.Epochs.Filter(e => e < last).Last();
            if (Replay.Run(run, from, last, _ => { }, compute).Failed(out var replayError, out var lines)) return replayError;
            if (lines.Find(l => !l.Identical).Case is ReplayLine differs)
                return Error.New($"{directory.StatePath(differs.Epoch)}: does not replay from epoch {from} ({differs.Text}); it was changed after it was written. Nothing was changed; 'backprop verify {directory.Path}' checks the whole run");
        }

        // Everything checks out; now what a killed trainer leaves is cleared away, as an uninterrupted
        // run would have: the temporary files of writes in flight (we hold the lock: none is ours),
        // the states the run no longer keeps (written the last one, not yet removed the ones it
        // drops), and final.safetensors with run.json's outcome, which describe an earlier last
        // state and are written anew when this session ends.
        var rows = end.Rows.Take(last).ToList();
        if (rows.Count == last - 1 && end.LastState.Metrics is { } metrics)
            rows.Add(new MetricsRow(last, metrics, end.LastSha256)); // the crash fell between the state and its row
        var stopping = run.Plan.Stopping(rows.Select(r => r.Metrics));
        foreach (var temporary in run.Listing.Temporaries) File.Delete(temporary);
        foreach (var epoch in run.Listing.Epochs.Filter(e => e < last && !run.Plan.Keeps(e, last, stopping.Best?.Epoch))) File.Delete(directory.StatePath(epoch));
        File.Delete(directory.FinalFile);
        if (Rewrite(directory, sources, epochs).Failed(out var rewriteError, out _)) return rewriteError;
        var runNow = epochs is { } n ? run.Plan with { Spec = run.Plan.Spec with { Epochs = n } } : run.Plan;
        return RunWriter.Start(directory, runNow, end.LastState, end.LastSha256, rows).Map(writer => (runNow, end.LastState.State, writer, stopping));
    }

    private static string Refusal(RunDirectory directory, Arr<ChainBreak> breaks, int? last)
    {
        var first = breaks[0];
        var more = breaks.Count > 1 ? $" ({breaks.Count - 1} more; 'backprop verify {directory.Path}' lists them)" : "";
        var hint = last is { } l && first.Subject == directory.StatePath(l) && l > 0
            ? "; nothing was changed: move that file away to resume from the previous kept state"
            : "; nothing was changed";
        return $"{first}{hint}{more}";
    }

    /// <summary>
    /// run.json with the new epoch total and the inputs' new locations (the keys the protocol lets
    /// change), and without the outcome of the run's earlier end.
    /// </summary>
    private static Fin<Unit> Rewrite(RunDirectory directory, RunSources sources, int? epochs)
    {
        if (directory.ReadRunText().Failed(out var textError, out var text)) return textError;
        var node = JsonNode.Parse(text)!.AsObject();
        if (epochs is null && sources == RunSources.AsRecorded && !node.ContainsKey(RunFile.OutcomeKey)) return Unit.Default;
        node.Remove(RunFile.OutcomeKey);
        if (epochs is { } n) node["epochs"] = n;
        if (sources.Data is { } data)
        {
            node["data"] = Path.GetFullPath(data);
            node.Remove("dataset");
        }
        if (sources.Dataset is { } dataset)
        {
            node["dataset"] = dataset;
            node.Remove("data");
        }
        if (sources.Init is { } init) node["init"] = Path.GetFullPath(init);
        if (sources.Parent is { } parent) node["parent"] = Path.GetFullPath(parent);
        return AtomicFile.WriteText(directory.RunFile, node.ToJsonString(RunSpec.Json) + "\n");
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _writer.Dispose();
        _lock.Dispose();
    }
}
