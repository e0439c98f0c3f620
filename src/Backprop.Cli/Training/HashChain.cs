using Backprop.Functional.IO;

namespace Backprop.Cli.Training;

/// <summary>
/// A run's hash chain: each state records the SHA-256 of the previous epoch's state file, and
/// metrics.csv records the SHA-256 of every state, kept or not. Together they pin every epoch.
/// </summary>
public static class HashChain
{
    /// <summary>Every broken link, seal or record (empty when the chain is intact).</summary>
    public static IEnumerable<string> Check(RunDirectory run)
    {
        var kept = run.KeptEpochs();
        if (kept.IsEmpty || kept[0] != 0) yield return "states/000000.safetensors (the initial state) is missing";
        var rowsResult = run.ReadMetrics();
        if (rowsResult.IsFail)
        {
            yield return rowsResult.Match(_ => "", e => e.Message);
            yield break;
        }
        var rows = (LanguageExt.Arr<MetricsRow>)rowsResult;
        if (!kept.IsEmpty && rows.Count != kept[^1]) yield return $"metrics.csv has {rows.Count} rows but the last state is epoch {kept[^1]}";

        string? initialSha = null;
        foreach (var epoch in kept)
        {
            var path = run.StatePath(epoch);
            var bytes = File.ReadAllBytes(path);
            var decoded = StateFile.Decode(bytes, path);
            if (decoded.IsFail)
            {
                yield return decoded.Match(_ => "", e => e.Message);
                continue;
            }
            var checkpoint = (Checkpoint)decoded;
            var sha = Functional.Fingerprint.Of(bytes);
            if (checkpoint.State.Epoch != epoch) yield return $"{path}: holds epoch {checkpoint.State.Epoch}";
            if (epoch == 0)
            {
                initialSha = sha;
                if (checkpoint.PreviousSha256 is not null) yield return $"{path}: the initial state names a previous state";
                continue;
            }
            if (epoch <= rows.Count && rows[epoch - 1].StateSha256 != sha)
                yield return $"{path}: its SHA-256 {sha[..12]}… is not the {rows[epoch - 1].StateSha256[..12]}… metrics.csv recorded";
            var expectedPrevious = epoch == 1 ? initialSha : epoch - 1 <= rows.Count ? rows[epoch - 2].StateSha256 : null;
            if (expectedPrevious is not null && checkpoint.PreviousSha256 != expectedPrevious)
                yield return $"{path}: links to previous state {checkpoint.PreviousSha256?[..12]}… but epoch {epoch - 1} hashes to {expectedPrevious[..12]}…";
        }
    }
}
