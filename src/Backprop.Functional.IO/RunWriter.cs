using System.Threading.Channels;
using LanguageExt;
using LanguageExt.Common;

namespace Backprop.Functional.IO;

/// <summary>
/// Writes a run's states in the background while the next epoch trains. States are immutable
/// values, so handing them to another thread needs no copy and no lock. One writer thread
/// keeps the order: it links each state to the previous one's hash, writes it atomically,
/// appends its metrics row, and removes the previous state when --keep-every does not keep it.
/// </summary>
public sealed class RunWriter : IDisposable
{
    private readonly RunDirectory _run;
    private readonly int _keepEvery;
    private readonly Channel<Checkpoint> _queue = Channel.CreateBounded<Checkpoint>(new BoundedChannelOptions(2) { SingleReader = true, SingleWriter = true });
    private readonly Task _worker;
    private readonly StreamWriter _metrics;
    private string? _previousSha256;
    private Checkpoint? _lastWritten;
    private volatile Error? _failure;

    private RunWriter(RunDirectory run, int keepEvery, string? previousSha256, StreamWriter metrics)
    {
        (_run, _keepEvery, _previousSha256, _metrics) = (run, keepEvery, previousSha256, metrics);
        _worker = Task.Run(WriteAll);
    }

    /// <summary>The first write failure, if any (training should stop: the message names the file).</summary>
    public Error? Failure => _failure;

    /// <summary>The SHA-256 of the last state written (after <see cref="Complete"/>).</summary>
    public string? LastSha256 => _previousSha256;

    /// <summary>
    /// Starts a writer. <paramref name="previousSha256"/> is the hash of the state training
    /// continues from (null for a new run, whose first checkpoint is epoch 0). metrics.csv is
    /// rewritten to hold exactly <paramref name="rows"/>, so that a resumed run appends what an
    /// uninterrupted run would have written.
    /// </summary>
    public static Fin<RunWriter> Start(RunDirectory run, int keepEvery, string? previousSha256, IEnumerable<MetricsRow> rows)
    {
        var text = string.Concat(new[] { MetricsRow.Header }.Concat(rows.Select(r => r.ToCsv())).Select(l => l + "\n"));
        if (AtomicFile.WriteText(run.MetricsFile, text).Failed(out var error, out _)) return error;
        try
        {
            var metrics = new StreamWriter(new FileStream(run.MetricsFile, FileMode.Append, FileAccess.Write, FileShare.Read));
            return new RunWriter(run, keepEvery, previousSha256, metrics);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Error.New($"{run.MetricsFile}: cannot write ({e.Message})");
        }
    }

    /// <summary>Queues a checkpoint (its PreviousSha256 is filled in here); blocks while two are already waiting.</summary>
    public void Enqueue(Checkpoint checkpoint)
    {
        if (!_queue.Writer.TryWrite(checkpoint)) _queue.Writer.WriteAsync(checkpoint).AsTask().GetAwaiter().GetResult();
    }

    /// <summary>
    /// Waits until every queued state is on disk, then writes final.safetensors: the model file
    /// (<see cref="ModelFile"/>) of the last state, whose network is <paramref name="last"/>.
    /// </summary>
    public Fin<Unit> Complete(Network last, Loss loss)
    {
        _queue.Writer.TryComplete();
        _worker.GetAwaiter().GetResult();
        if (_failure is { } failure) return failure;
        if (LastState().Failed(out var error, out var state)) return error;
        if (!state.State.Network.Equals(last) || state.Loss != loss)
            throw new InvalidOperationException("final.safetensors must be the model of the last state written");
        return AtomicFile.Write(_run.FinalFile, ModelFile.Encode(state, _previousSha256!));
    }

    // When no epoch ran in this session (stopped at once, or resumed with nothing left to train),
    // the last state is the one training continued from, already on disk as the last kept state.
    private Fin<Checkpoint> LastState()
    {
        if (_lastWritten is { } written) return written;
        var kept = _run.KeptEpochs();
        if (kept.IsEmpty) return Error.New($"{_run.Path}: holds no state to make final.safetensors from");
        var path = _run.StatePath(kept[^1]);
        if (FileInput.ReadAllBytes(path).Failed(out var readError, out var bytes)) return readError;
        if (Fingerprint.Of(bytes) != _previousSha256) return Error.New($"{path}: is not the state training continued from (its SHA-256 differs)");
        return StateFile.Decode(bytes, path);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _queue.Writer.TryComplete();
        try { _worker.GetAwaiter().GetResult(); }
        finally { _metrics.Dispose(); }
    }

    private async Task WriteAll()
    {
        await foreach (var checkpoint in _queue.Reader.ReadAllAsync())
        {
            if (_failure is not null) continue;
            var epoch = checkpoint.State.Epoch;
            var linked = checkpoint with { PreviousSha256 = _previousSha256 };
            var bytes = StateFile.Encode(linked);
            var sha = Fingerprint.Of(bytes);
            if (AtomicFile.Write(_run.StatePath(epoch), bytes).Failed(out var error, out _))
            {
                _failure = error;
                continue;
            }
            try
            {
                if (checkpoint.Metrics is { } metrics)
                {
                    _metrics.Write(new MetricsRow(epoch, metrics, sha).ToCsv() + "\n");
                    _metrics.Flush();
                }
                var previous = epoch - 1;
                if (previous > 0 && previous % _keepEvery != 0) File.Delete(_run.StatePath(previous));
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
