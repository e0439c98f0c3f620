using Backprop.Functional;
using Backprop.Functional.IO;
using Backprop.Functional.Numerics;
using LanguageExt;
using LanguageExt.Common;

namespace Backprop.Cli.Training;

/// <summary>
/// A run directory being trained into: its lock (held until disposed), the background writer
/// and the checkpoint details every state carries.
/// </summary>
public sealed class RunSession : IDisposable
{
    private readonly IDisposable _lock;

    private RunSession(RunDirectory directory, IDisposable runLock, RunWriter writer, PreparedRun run)
    {
        (Directory, _lock, Writer, Run) = (directory, runLock, writer, run);
        Config = RunFile.StateConfig(run.Spec);
    }

    /// <summary>The directory.</summary>
    public RunDirectory Directory { get; }

    /// <summary>The background state writer.</summary>
    public RunWriter Writer { get; }

    /// <summary>The prepared run.</summary>
    public PreparedRun Run { get; }

    /// <summary>The configuration every state records (see <see cref="RunFile.StateConfig"/>).</summary>
    public string Config { get; }

    /// <summary>The checkpoint of a state, to be queued for writing.</summary>
    public Checkpoint CheckpointOf(TrainState state, EpochMetrics? metrics) =>
        new(state, Run.Config.Loss, Run.Schema, Config, Run.DataFingerprint, null, metrics);

    /// <summary>
    /// Creates a new run directory for a prepared run: writes state 0 and metrics.csv, then
    /// run.json last, so that a directory with run.json always holds a state to resume from.
    /// </summary>
    public static Fin<RunSession> Create(string path, PreparedRun run, int threads)
    {
        if (RunDirectory.Create(path).Failed(out var createError, out var created)) return createError;
        var (directory, runLock) = created;
        var provenance = new Provenance(
            $"backprop {typeof(RunSession).Assembly.GetName().Version?.ToString(3)}", DateTime.UtcNow.ToString("O"), run.DataDescription,
            run.DataFingerprint, StateFile.Numerics, Hardware.VectorWidth, threads);
        var initial = StateFile.Encode(new Checkpoint(run.Initial, run.Config.Loss, run.Schema, RunFile.StateConfig(run.Spec), run.DataFingerprint, null, null));
        var started =
            from _1 in AtomicFile.Write(directory.StatePath(0), initial)
            from writer in RunWriter.Start(directory, run.Spec.KeepEvery, Fingerprint.Of(initial), [])
            from _2 in AtomicFile.WriteText(directory.RunFile, RunFile.Text(run.Spec, provenance))
            select new RunSession(directory, runLock, writer, run);
        if (started.IsFail) runLock.Dispose();
        return started;
    }

    /// <summary>
    /// Reopens a run at its last complete state: checks the lock, the state's seal, that the
    /// data still has the recorded fingerprint and that the architecture matches run.json.
    /// </summary>
    public static Fin<(RunSession Session, TrainState Start)> Resume(string path, int? epochs)
    {
        if (RunDirectory.Open(path).Failed(out var openError, out var directory)) return openError;
        if (directory.Lock().Failed(out var lockError, out var runLock)) return lockError;
        var opened = Reopen(directory, epochs);
        if (opened.IsFail) runLock.Dispose();
        return opened.Map(o =>
        {
            var session = new RunSession(directory, runLock, o.Writer, o.Run);
            return (session, o.Start);
        });
    }

    private static Fin<(PreparedRun Run, TrainState Start, RunWriter Writer)> Reopen(RunDirectory directory, int? epochs)
    {
        if (RunFile.Read(directory.RunFile).Failed(out var specError, out var spec)) return specError;
        var kept = directory.KeptEpochs();
        if (kept.IsEmpty) return Error.New($"{directory.Path}: holds no complete state to resume from");
        var last = kept[^1];
        var statePath = directory.StatePath(last);
        if (FileInput.ReadAllBytes(statePath).Failed(out var readError, out var bytes)) return readError;
        if (StateFile.Decode(bytes, statePath).Failed(out var decodeError, out var checkpoint))
            return Error.New($"{decodeError.Message} (nothing was changed; move that file away to resume from the previous kept state)");
        if (epochs is { } total && total < last) return Error.New($"--epochs {total} is below the {last} epochs already trained in {directory.Path}");
        if (RunReload.Prepare(spec with { Epochs = epochs ?? spec.Epochs }, checkpoint, statePath).Failed(out var prepareError, out var run)) return prepareError;

        var metricsText = File.Exists(directory.MetricsFile) ? File.ReadAllText(directory.MetricsFile) : "";
        var rows = MetricsRow.ParseValidPrefix(metricsText).Take(last).ToList();
        if (rows.Count == last - 1 && checkpoint.Metrics is { } metrics)
            rows.Add(new MetricsRow(last, metrics, Fingerprint.Of(bytes))); // the crash fell between the state and its row
        if (rows.Count != last) return Error.New($"{directory.MetricsFile}: holds {rows.Count} complete rows but the last state is epoch {last}");
        if (epochs is not null && RewriteEpochs(directory, epochs.Value).Failed(out var rewriteError, out _)) return rewriteError;
        return RunWriter.Start(directory, run.Spec.KeepEvery, Fingerprint.Of(bytes), rows).Map(writer => (run, checkpoint.State, writer));
    }

    private static Fin<Unit> RewriteEpochs(RunDirectory directory, int epochs)
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(directory.RunFile))!.AsObject();
        node["epochs"] = epochs;
        return AtomicFile.WriteText(directory.RunFile, node.ToJsonString(TrainSpec.Json) + "\n");
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        Writer.Dispose();
        _lock.Dispose();
    }
}
