using System.Threading.Channels;
using Backprop.Functional.IO;
using LanguageExt;
using LanguageExt.Common;

namespace Backprop.Functional.Runs;

/// <summary>
/// Writes a run's states in the background while the next epoch trains. States are immutable
/// values, so handing them to another thread needs no copy and no lock. One writer thread
/// keeps the order: it links each state to the previous one's hash, writes it atomically,
/// appends its metrics row, and removes the previous state when --keep-every does not keep it.
/// </summary>
public sealed class RunWriter : IDisposable
{
    private readonly RunDirectory _run;
    private readonly PreparedRun _plan;
    private readonly Channel<Checkpoint> _queue = Channel.CreateBounded<Checkpoint>(new BoundedChannelOptions(2) { SingleReader = true, SingleWriter = true });
    private readonly Task _worker;
    private readonly StreamWriter _metrics;
    private string _previousSha256;
    private Checkpoint _lastWritten;
    private volatile Error? _failure;

    private RunWriter(RunDirectory run, PreparedRun plan, Checkpoint last, string lastSha256, StreamWriter metrics)
    {
        (_run, _plan, _lastWritten, _previousSha256, _metrics) = (run, plan, last, lastSha256, metrics);
        _worker = Task.Run(WriteAll);
    }

    /// <summary>The first write failure, if any (training should stop: the message names the file).</summary>
    public Error? Failure => _failure;

    /// <summary>
    /// Starts a writer after <paramref name="last"/>, the state training continues from (state 0
    /// for a new run), whose file hashes to <paramref name="lastSha256"/>. metrics.csv is
    /// rewritten to hold exactly <paramref name="rows"/>, so that a resumed run appends what an
    /// uninterrupted run would have written.
    /// </summary>
    public static Fin<RunWriter> Start(RunDirectory run, PreparedRun plan, Checkpoint last, string lastSha256, IEnumerable<MetricsRow> rows)
    {
        var text = string.Concat(new[] { MetricsRow.Header }.Concat(rows.Select(r => r.ToCsv())).Select(l => l + "\n"));
        if (AtomicFile.WriteText(run.MetricsFile, text).Failed(out var error, out _)) return error;
        return RunFiles.OpenAppend(run.MetricsFile).Map(stream => new RunWriter(run, plan, last, lastSha256, new StreamWriter(stream)));
    }

    /// <summary>Queues a checkpoint (its PreviousSha256 is filled in here); blocks while two are already waiting.</summary>
    public void Enqueue(Checkpoint checkpoint)
    {
        if (!_queue.Writer.TryWrite(checkpoint)) _queue.Writer.WriteAsync(checkpoint).AsTask().GetAwaiter().GetResult();
    }

    /// <summary>
    /// Waits until every queued state is on disk, then writes final.safetensors: the model file
    /// (<see cref="ModelFile"/>) of the last state written (or, when no epoch ran, of the state
    /// training continued from). Returns that state.
    /// </summary>
    public Fin<Checkpoint> Complete()
    {
        _queue.Writer.TryComplete();
        _worker.GetAwaiter().GetResult();
        if (_failure is { } failure) return failure;
        var last = _lastWritten;
        return AtomicFile.Write(_run.FinalFile, ModelFile.Encode(last, _previousSha256)).Map(_ => last);
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
                var previous = epoch - 1;
                if (!_plan.Keeps(previous, last: epoch)) File.Delete(_run.StatePath(previous));
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
