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
    /// The state it starts from must belong to the run (<see cref="ChainCheck.Foreign"/>). The
    /// epochs train and are measured in <paramref name="compute"/> (without one, on the calling
    /// thread); no context changes a bit, so a replay on any thread count proves the same.
    /// </summary>
    public static Fin<Arr<ReplayLine>> Run(OpenedRun run, int from, int? to, Action<ReplayLine> report, ComputeContext? compute = null)
    {
        var (directory, plan, kept) = (run.Directory, run.Plan, run.Listing.Epochs);
        if (run.Listing.Last is not { } last) return Error.New($"{directory.Path}: holds no saved state");
        var target = to ?? last;
        if (from < 0) return Error.New($"--from must be ≥ 0 (got {from})");
        if (from > last) return Error.New($"--from {from} is beyond the last epoch ({last}) of {directory.Path}");
        if (target > last) return Error.New($"--to {target} is beyond the last epoch ({last}) of {directory.Path}");
        if (target < from) return Error.New($"--to {target} is before --from {from}");
        var start = kept.Filter(e => e <= from).LastOrDefault(-1);
        if (start < 0) return Error.New($"{directory.Path}: no state is kept at or before epoch {from}");

        if (directory.ReadMetrics().Failed(out var metricsError, out var rows)) return metricsError;
        var startPath = directory.StatePath(start);
        if (directory.ReadStateBytes(start).Failed(out var readError, out var startBytes)) return readError;
        if (StateFile.Decode(startBytes, startPath).Failed(out var decodeError, out var checkpoint)) return decodeError;
        if (ChainCheck.Foreign(plan, checkpoint, start).FirstOrDefault() is { } foreign) return Error.New($"{startPath}: {foreign}");

        var lines = new List<ReplayLine>();
        var (state, previousSha) = (checkpoint.State, Fingerprint.Of(startBytes));
        for (var epoch = start + 1; epoch <= target; epoch++)
        {
            var result = Functional.Training.Epoch(plan.Config, state, plan.Data.Train, compute);
            var bytes = StateFile.Encode(plan.CheckpointAfter(result, previousSha, compute));
            (state, previousSha) = (result.State, Fingerprint.Of(bytes));
            if (epoch <= from) continue;
            var line = kept.Contains(epoch) ? CompareWithFile(directory, epoch, bytes, previousSha, rows) : CompareWithRecord(epoch, previousSha, rows);
            lines.Add(line);
            report(line);
        }
        return lines.ToArr();
    }

    private static ReplayLine CompareWithFile(RunDirectory directory, int epoch, byte[] rebuilt, string sha, Arr<MetricsRow> rows)
    {
        var path = directory.StatePath(epoch);
        if (directory.ReadStateBytes(epoch).Failed(out var readError, out var saved))
            // A trainer still writing the run deletes the state before the one it just wrote when
            // the run does not keep it: that epoch is then checked against its recorded hash.
            return readError.Code == FileInput.MissingFileCode && directory.ReadMetrics().Case is Arr<MetricsRow> now
                ? CompareWithRecord(epoch, sha, now.Count >= rows.Count ? now : rows)
                : new(epoch, false, $"epoch {epoch}: cannot read the saved state: {readError.Message}");
        if (saved.AsSpan().SequenceEqual(rebuilt)) return new(epoch, true, $"epoch {epoch}: identical");
        if (StateFile.Decode(saved, path).Failed(out var decodeError, out _)) return new(epoch, false, $"epoch {epoch}: DIFFERS: the saved state is unreadable: {decodeError.Message}");
        return new(epoch, false, $"epoch {epoch}: DIFFERS: {StateDifference.Describe(rebuilt, saved)}");
    }

    private static ReplayLine CompareWithRecord(int epoch, string sha, Arr<MetricsRow> rows)
    {
        if (epoch > rows.Count) return new(epoch, false, $"epoch {epoch}: DIFFERS: not kept, and metrics.csv has no row for it");
        return rows[epoch - 1].StateSha256 == sha
            ? new(epoch, true, $"epoch {epoch}: identical (not kept; the rebuilt state has the SHA-256 metrics.csv recorded)")
            : new(epoch, false, $"epoch {epoch}: DIFFERS: not kept, and the rebuilt state's SHA-256 {sha[..12]}… is not the recorded {rows[epoch - 1].StateSha256[..12]}…");
    }
}
