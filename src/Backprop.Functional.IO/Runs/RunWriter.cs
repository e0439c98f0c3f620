using System.Threading.Channels;
using Backprop.Functional.IO;
using LanguageExt;
using LanguageExt.Common;

namespace Backprop.Functional.Runs;

/// <summary>
/// Writes a run's states in the background while the next epoch trains. States are immutable
/// values, so handing them to another thread needs no copy and no lock. One writer thread
/// keeps the order: it links each state to the previous one's hash, writes it atomically,
/// appends its metrics row (and, before the state, its layers.csv rows), and removes the previous state when --keep-every does not keep it.
/// </summary>
public sealed class RunWriter : IDisposable
{
    private readonly RunDirectory _run;
    private readonly PreparedRun _plan;
    private readonly Channel<(Checkpoint Checkpoint, Arr<LayerRow> Layers)> _queue = Channel.CreateBounded<(Checkpoint, Arr<LayerRow>)>(new BoundedChannelOptions(2) { SingleReader = true, SingleWriter = true });
    private readonly Task _worker;
    private readonly StreamWriter _metrics;
    private readonly StreamWriter? _layers;
    private string _previousSha256;
    private Checkpoint _lastWritten;
    private StopDecision _decision;
    private volatile Error? _failure;

    private RunWriter(RunDirectory run, PreparedRun plan, Checkpoint last, string lastSha256, StreamWriter metrics, StreamWriter? layers, StopDecision decision)
    {
        (_run, _plan, _lastWritten, _previousSha256, _metrics, _layers, _decision) = (run, plan, last, lastSha256, metrics, layers, decision);
        _worker = Task.Run(WriteAll);
    }

    /// <summary>The first write failure, if any (training should stop: the message names the file).</summary>
    public Error? Failure => _failure;

    /// <summary>
    /// Starts a writer after <paramref name="last"/>, the state training continues from (state 0
    /// for a new run), whose file hashes to <paramref name="lastSha256"/>. metrics.csv is
    /// rewritten to hold exactly <paramref name="rows"/>, so that a resumed run appends what an
    /// uninterrupted run would have written. layers.csv, when the run records it, is rewritten the
    /// same way to its complete lines up to <paramref name="last"/>'s epoch (a run without it, made
    /// before layers were recorded, goes on without it).
    /// </summary>
    public static Fin<RunWriter> Start(RunDirectory run, PreparedRun plan, Checkpoint last, string lastSha256, IEnumerable<MetricsRow> rows)
    {
        var text = string.Concat(new[] { MetricsRow.Header }.Concat(rows.Select(r => r.ToCsv())).Select(l => l + "\n"));
        if (AtomicFile.WriteText(run.MetricsFile, text).Failed(out var error, out _)) return error;
        if (run.ReadLayersText().Failed(out var layersError, out var layersFile)) return layersError;
        var layersText = layersFile.IfNoneUnsafe((string?)null);
        if (layersText is not null)
        {
            var kept = LayerRows.LinesByKey(layersText).Where(l => l.Key.Epoch <= last.State.Epoch).Select(l => l.Value);
            if (AtomicFile.WriteText(run.LayersFile, string.Concat(new[] { LayerRow.Header }.Concat(kept).Select(l => l + "\n"))).Failed(out var rewriteError, out _)) return rewriteError;
        }
        var decision = plan.Stopping(rows.Select(r => r.Metrics));
        if (RunFiles.OpenAppend(run.MetricsFile).Failed(out var openError, out var metrics)) return openError;
        if (layersText is null) return new RunWriter(run, plan, last, lastSha256, new StreamWriter(metrics), null, decision);
        if (RunFiles.OpenAppend(run.LayersFile).Failed(out var layersOpenError, out var layers))
        {
            metrics.Dispose();
            return layersOpenError;
        }
        return new RunWriter(run, plan, last, lastSha256, new StreamWriter(metrics), new StreamWriter(layers), decision);
    }

    /// <summary>Whether this run records layers.csv (a new run does; one made before it existed does not).</summary>
    public bool RecordsLayers => _layers is not null;

    /// <summary>
    /// Queues a checkpoint (its PreviousSha256 is filled in here) with its epoch's layers.csv rows;
    /// blocks while two are already waiting.
    /// </summary>
    public void Enqueue(Checkpoint checkpoint, Arr<LayerRow> layers = default)
    {
        if (!_queue.Writer.TryWrite((checkpoint, layers))) _queue.Writer.WriteAsync((checkpoint, layers)).AsTask().GetAwaiter().GetResult();
    }

    /// <summary>
    /// Waits until every queued state is on disk, records the run's <see cref="RunOutcome"/> in
    /// run.json when it monitors a validation measurement, then writes final.safetensors: the model
    /// file (<see cref="ModelFile"/>) of the last state written (or, when no epoch ran, of the state
    /// training continued from), or with <c>restore-best</c> of the best state (which the run keeps).
    /// Returns the last state. The outcome comes first, so a final model on disk always has its outcome.
    /// </summary>
    public Fin<Checkpoint> Complete()
    {
        _queue.Writer.TryComplete();
        _worker.GetAwaiter().GetResult();
        if (_failure is { } failure) return failure;
        var last = _lastWritten;
        if (_plan.Monitor is not null && RecordOutcome(RunOutcome.Of(_decision)).Failed(out var outcomeError, out _)) return outcomeError;
        var model = _plan.Spec.RestoreBest == true && _decision.Best is { } best && best.Epoch != last.State.Epoch
            ? _run.ReadStateBytes(best.Epoch).Bind(bytes => StateFile.Decode(bytes, _run.StatePath(best.Epoch)).Map(state => ModelFile.Encode(state, Fingerprint.Of(bytes))))
            : ModelFile.Encode(last, _previousSha256);
        return model.Bind(bytes => AtomicFile.Write(_run.FinalFile, bytes)).Map(_ => last);
    }

    private Fin<Unit> RecordOutcome(RunOutcome outcome) =>
        _run.ReadRunText().Bind(text => AtomicFile.WriteText(_run.RunFile, RunFile.WithOutcome(text, outcome)));

    /// <inheritdoc/>
    public void Dispose()
    {
        _queue.Writer.TryComplete();
        try { _worker.GetAwaiter().GetResult(); }
        finally
        {
            _metrics.Dispose();
            _layers?.Dispose();
        }
    }

    /// <summary>
    /// The states that writing epoch <paramref name="epoch"/> may leave unkept: the last one before
    /// it, the one that falls out of the keep-last window, and the best before it.
    /// </summary>
    private IEnumerable<int> Dropped(int epoch, int? bestBefore)
    {
        yield return epoch - 1;
        if (_plan.Spec.KeepLast is { } n && epoch - (long)n * _plan.Spec.KeepEvery is var outside and > 0) yield return (int)outside;
        if (bestBefore is { } b) yield return b;
    }

    private async Task WriteAll()
    {
        await foreach (var (checkpoint, layers) in _queue.Reader.ReadAllAsync())
        {
            if (_failure is not null) continue;
            var epoch = checkpoint.State.Epoch;
            // The layer rows go first: every state on disk then has its rows, and rows beyond the
            // last state (a crash before its file) are dropped on resume.
            if (_layers is not null && !layers.IsEmpty)
            {
                try
                {
                    foreach (var row in layers) _layers.Write(row.ToCsv() + "\n");
                    _layers.Flush();
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    _failure = Error.New($"{_run.LayersFile}: cannot write ({e.Message})");
                    continue;
                }
            }
            var linked = checkpoint with { PreviousSha256 = _previousSha256 };
            if (StateFile.TryEncode(linked).Bind(bytes => AtomicFile.Write(_run.StatePath(epoch), bytes).Map(_ => bytes)).Failed(out var error, out var bytes))
            {
                _failure = error;
                continue;
            }
            var sha = Fingerprint.Of(bytes);
            try
            {
                if (checkpoint.Metrics is { } metrics)
                {
                    _metrics.Write(new MetricsRow(epoch, metrics, sha).ToCsv() + "\n");
                    _metrics.Flush();
                }
                // Only after the state's row is written: metrics.csv then holds the hash of every
                // state removed here, which is all the chain check and replay need of it.
                var bestBefore = _decision.Best?.Epoch;
                if (checkpoint.Metrics is { } measured) _decision = _plan.Stopping(_decision, measured);
                var best = _decision.Best?.Epoch;
                foreach (var dropped in Dropped(epoch, bestBefore).Distinct())
                    if (dropped > 0 && dropped < epoch && !_plan.Keeps(dropped, epoch, best)) File.Delete(_run.StatePath(dropped));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                _failure = Error.New($"{_run.MetricsFile}: cannot write ({e.Message})");
            }
            _previousSha256 = sha;
            _lastWritten = linked;
        }
    }
}
