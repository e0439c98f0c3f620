using Backprop.Functional;
using Backprop.Functional.IO;
using LanguageExt;
using LanguageExt.Common;

namespace Backprop.Cli.Training;

/// <summary>One rebuilt epoch compared with what the run saved.</summary>
public sealed record ReplayLine(int Epoch, bool Identical, string Text);

/// <summary>
/// Rebuilds a run's states from a saved one and compares each with the saved file bit for bit
/// (or, for a state --keep-every did not keep, with the hash metrics.csv recorded for it).
/// </summary>
public static class Replayer
{
    /// <summary>
    /// Replays epochs <paramref name="from"/>+1 … <paramref name="to"/> (default: the last). When
    /// state <paramref name="from"/> was not kept it is first rebuilt from the nearest earlier one.
    /// </summary>
    public static Fin<Arr<ReplayLine>> Run(RunDirectory directory, int from, int? to, Action<ReplayLine> report)
    {
        var kept = directory.KeptEpochs();
        if (kept.IsEmpty) return Error.New($"{directory.Path}: holds no saved state");
        var last = kept[^1];
        var target = to ?? last;
        if (from < 0) return Error.New($"--from must be ≥ 0 (got {from})");
        if (from > last) return Error.New($"--from {from} is beyond the last epoch ({last}) of {directory.Path}");
        if (target > last) return Error.New($"--to {target} is beyond the last epoch ({last}) of {directory.Path}");
        if (target < from) return Error.New($"--to {target} is before --from {from}");
        var start = kept.Filter(e => e <= from).LastOrDefault(-1);
        if (start < 0) return Error.New($"{directory.Path}: no state is kept at or before epoch {from}");

        if (RunFile.Read(directory.RunFile).Failed(out var specError, out var spec)) return specError;
        if (directory.ReadMetrics().Failed(out var metricsError, out var rows)) return metricsError;
        var startPath = directory.StatePath(start);
        if (FileInput.ReadAllBytes(startPath).Failed(out var readError, out var startBytes)) return readError;
        if (StateFile.Decode(startBytes, startPath).Failed(out var decodeError, out var checkpoint)) return decodeError;
        if (checkpoint.State.Epoch != start) return Error.New($"{startPath}: holds epoch {checkpoint.State.Epoch}, not {start}");
        if (RunReload.Prepare(spec, checkpoint, startPath).Failed(out var prepareError, out var run)) return prepareError;

        var config = RunFile.StateConfig(run.Spec);
        var lines = new List<ReplayLine>();
        var (state, previousSha) = (checkpoint.State, Fingerprint.Of(startBytes));
        for (var epoch = start + 1; epoch <= target; epoch++)
        {
            var result = Functional.Training.Epoch(run.Config, state, run.Data.Train);
            var rebuilt = new Checkpoint(result.State, run.Config.Loss, run.Schema, config, run.DataFingerprint, previousSha, TrainRunner.Measure(result, run));
            var bytes = StateFile.Encode(rebuilt);
            (state, previousSha) = (result.State, Fingerprint.Of(bytes));
            if (epoch <= from) continue;
            var line = kept.Contains(epoch)
                ? CompareWithFile(epoch, bytes, directory.StatePath(epoch))
                : CompareWithRecord(epoch, previousSha, rows);
            lines.Add(line);
            report(line);
        }
        return lines.ToArr();
    }

    private static ReplayLine CompareWithFile(int epoch, byte[] rebuilt, string path)
    {
        if (FileInput.ReadAllBytes(path).Failed(out var readError, out var saved)) return new(epoch, false, $"epoch {epoch}: cannot read the saved state: {readError.Message}");
        if (saved.AsSpan().SequenceEqual(rebuilt)) return new(epoch, true, $"epoch {epoch}: identical");
        if (StateFile.Decode(saved, path).Failed(out var decodeError, out _)) return new(epoch, false, $"epoch {epoch}: DIFFERS: the saved state is unreadable: {decodeError.Message}");
        return new(epoch, false, $"epoch {epoch}: DIFFERS: {StateDifference.Describe(SafeTensors.Parse(rebuilt).ThrowIfFail(), SafeTensors.Parse(saved).ThrowIfFail())}");
    }

    private static ReplayLine CompareWithRecord(int epoch, string sha, Arr<MetricsRow> rows)
    {
        if (epoch > rows.Count) return new(epoch, false, $"epoch {epoch}: DIFFERS: not kept, and metrics.csv has no row for it");
        return rows[epoch - 1].StateSha256 == sha
            ? new(epoch, true, $"epoch {epoch}: identical (not kept; the rebuilt state has the SHA-256 metrics.csv recorded)")
            : new(epoch, false, $"epoch {epoch}: DIFFERS: not kept, and the rebuilt state's SHA-256 {sha[..12]}… is not the recorded {rows[epoch - 1].StateSha256[..12]}…");
    }
}
