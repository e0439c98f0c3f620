using Backprop.Functional.IO;
using LanguageExt;
using LanguageExt.Common;

namespace Backprop.Functional.Runs;

/// <summary>One rebuilt epoch compared with what the run saved.</summary>
/// <param name="Epoch">The epoch rebuilt.</param>
/// <param name="Identical">Whether the rebuilt state has the saved bits (or the recorded hash).</param>
/// <param name="Text">"epoch 5: identical", or what differs.</param>
public sealed record ReplayLine(int Epoch, bool Identical, string Text);

/// <summary>
/// Rebuilds a run's states from a saved one and compares each with the saved file bit for bit
/// (or, for a state the run did not keep, with the hash metrics.csv recorded for it).
/// </summary>
public static class Replay
{
    /// <summary>
    /// Replays epochs <paramref name="from"/>+1 … <paramref name="to"/> (default: the last). When
    /// state <paramref name="from"/> was not kept it is first rebuilt from the nearest earlier one.
    /// The state it starts from must belong to the run (<see cref="ChainCheck.Foreign"/>). The last
    /// epoch is the last state metrics.csv accounts for (a state named beyond it, planted or left
    /// by accident, is never trained towards: it could stand for billions of epochs). The epochs
    /// train and are measured in <paramref name="compute"/> (without one, on the calling thread);
    /// no context changes a bit, so a replay on any thread count proves the same.
    /// </summary>
    public static Fin<Arr<ReplayLine>> Run(OpenedRun run, int from, int? to, Action<ReplayLine> report, ComputeContext? compute = null)
    {
        var (directory, plan) = (run.Directory, run.Plan);
        if (directory.ReadMetrics().Failed(out var metricsError, out var rows)) return metricsError;
        // A crash can leave the last state without its row: one epoch beyond the rows is accounted for.
        var kept = run.Listing.Epochs.Filter(e => e <= rows.Count + 1);
        if (kept.IsEmpty) return Error.New($"{directory.Path}: holds no saved state");
        var last = kept[^1];
        var target = to ?? last;
        if (from < 0) return new OutOfRange(Settings.FirstEpoch, from, "≥ 0");
        if (from > last) return new OutOfRange(Settings.FirstEpoch, from, $"≤ {last}, the last epoch of {directory.Path}");
        if (target > last) return new OutOfRange(Settings.LastEpoch, target, $"≤ {last}, the last epoch of {directory.Path}");
        if (target < from) return new Conflict([Settings.LastEpoch, Settings.FirstEpoch], $"{{0}} {target} is before {{1}} {from}");
        var start = kept.Filter(e => e <= from).LastOrDefault(-1);
        if (start < 0) return Error.New($"{directory.Path}: no state is kept at or before epoch {from}");

        var startPath = directory.StatePath(start);
        if (directory.ReadStateBytes(start).Failed(out var readError, out var startBytes)) return readError;
        if (StateFile.Decode(startBytes, startPath).Failed(out var decodeError, out var checkpoint)) return decodeError;
        if (ChainCheck.Foreign(plan, checkpoint, start).FirstOrDefault() is { } foreign) return Error.New($"{startPath}: {foreign}");

        // layers.csv, when the run records it: every replayed epoch's rows are recomputed and compared.
        if (directory.ReadLayersText().Failed(out var layersError, out var layersText)) return layersError;
        var recordedLayers = layersText.Map(LayerRows.LinesByKey).IfNoneUnsafe((Dictionary<(int Epoch, int Layer), string>?)null);

        var lines = new List<ReplayLine>();
        var (state, previousSha) = (checkpoint.State, Fingerprint.Of(startBytes));
        for (var epoch = start + 1; epoch <= target; epoch++)
        {
            var measuring = recordedLayers is not null && epoch > from;
            var result = plan.Epoch(state, measuring, compute);
            var layers = measuring ? plan.LayersOf(state, result, compute) : default;
            var rebuilt = plan.CheckpointAfter(result, previousSha, compute);
            var bytes = StateFile.Encode(rebuilt);
            (state, previousSha) = (result.State, Fingerprint.Of(bytes));
            if (epoch <= from) continue;
            var line = kept.Contains(epoch) ? CompareWithFile(directory, rebuilt, bytes, previousSha, rows) : CompareWithRecord(rebuilt, previousSha, rows);
            if (line.Identical && recordedLayers is not null && CompareLayers(directory, layers, recordedLayers) is { } differs) line = differs;
            lines.Add(line);
            report(line);
        }
        return lines.ToArr();
    }

    private static ReplayLine CompareWithFile(RunDirectory directory, Checkpoint checkpoint, byte[] rebuilt, string sha, Arr<MetricsRow> rows)
    {
        var epoch = checkpoint.State.Epoch;
        var path = directory.StatePath(epoch);
        if (directory.ReadStateBytes(epoch).Failed(out var readError, out var saved))
            // A trainer still writing the run deletes the state before the one it just wrote when
            // the run does not keep it: that epoch is then checked against its recorded hash.
            return readError.Code == FileInput.MissingFileCode && directory.ReadMetrics().Case is Arr<MetricsRow> now
                ? CompareWithRecord(checkpoint, sha, now.Count >= rows.Count ? now : rows)
                : new(epoch, false, $"epoch {epoch}: cannot read the saved state: {readError.Message}");
        if (saved.AsSpan().SequenceEqual(rebuilt)) return new(epoch, true, $"epoch {epoch}: identical");
        if (StateFile.Decode(saved, path).Failed(out var decodeError, out _)) return new(epoch, false, $"epoch {epoch}: DIFFERS: the saved state is unreadable: {decodeError.Message}");
        return new(epoch, false, $"epoch {epoch}: DIFFERS: {StateDifference.Describe(rebuilt, saved)}");
    }

    /// <summary>An epoch's rebuilt layers.csv rows against the recorded ones, text for text (null when every row is the same).</summary>
    private static ReplayLine? CompareLayers(RunDirectory directory, Arr<LayerRow> rebuilt, Dictionary<(int Epoch, int Layer), string> recorded)
    {
        foreach (var row in rebuilt)
        {
            var text = row.ToCsv();
            if (!recorded.TryGetValue((row.Epoch, row.Layer), out var saved))
                return new(row.Epoch, false, $"epoch {row.Epoch}: DIFFERS: {directory.LayersFile} has no row for epoch {row.Epoch}, layer {row.Layer}");
            if (saved != text)
                return new(row.Epoch, false, $"epoch {row.Epoch}: DIFFERS: {directory.LayersFile}: the row of epoch {row.Epoch}, layer {row.Layer} is not what the epoch recomputes (recorded {Quote.Value(saved)}, rebuilt '{text}')");
        }
        return null;
    }

    /// <summary>A state the run did not keep, against its row: the state's hash and what the epoch measured.</summary>
    private static ReplayLine CompareWithRecord(Checkpoint checkpoint, string sha, Arr<MetricsRow> rows)
    {
        var epoch = checkpoint.State.Epoch;
        if (epoch > rows.Count) return new(epoch, false, $"epoch {epoch}: DIFFERS: not kept, and metrics.csv has no row for it");
        var row = rows[epoch - 1];
        if (row.StateSha256 != sha)
            return new(epoch, false, $"epoch {epoch}: DIFFERS: not kept, and the rebuilt state's SHA-256 {sha[..12]}… is not the recorded {row.StateSha256[..12]}…");
        return checkpoint.Metrics is { } metrics && row.Metrics.SameBits(metrics)
            ? new(epoch, true, $"epoch {epoch}: identical (not kept; the rebuilt state has the SHA-256 and the metrics that metrics.csv recorded)")
            : new(epoch, false, $"epoch {epoch}: DIFFERS: metrics.csv's row records other metrics than the rebuilt epoch measured");
    }
}
