using Backprop.Functional.IO;
using Backprop.Functional.Numerics;

namespace Backprop.Functional.Tests.Support;

/// <summary>
/// What an attacker with write access to a run directory can do: edit a state and reseal it (the
/// seal is a plain SHA-256 anyone can recompute), and retrain every later epoch from it so the
/// hash chain and metrics.csv agree again.
/// </summary>
public static class Forgery
{
    /// <summary>The network with its first weight moved by <paramref name="delta"/>.</summary>
    public static Network Nudged(Network network, double delta = 1e-3)
    {
        var first = network.Layers[0];
        var weights = Dense.ToRowMajor(first.Weight);
        weights[0] += delta;
        var layer = first with { Weight = Dense.FromRowMajor(first.Weight.RowCount, first.Weight.ColumnCount, weights) };
        return network with { Layers = network.Layers.SetItem(0, layer) };
    }

    /// <summary>Rewrites a state file with an edited network, resealed so it reads as valid; returns the new file's SHA-256.</summary>
    public static string Reseal(string path, Func<Network, Network> edit)
    {
        var checkpoint = (Checkpoint)StateFile.Read(path);
        var bytes = StateFile.Encode(checkpoint with { State = checkpoint.State with { Network = edit(checkpoint.State.Network) } });
        File.WriteAllBytes(path, bytes);
        return Fingerprint.Of(bytes);
    }

    /// <summary>
    /// Retrains every epoch after <paramref name="from"/> from the (possibly edited) saved state,
    /// rewriting the kept states, metrics.csv and final.safetensors so that seals, links, recorded
    /// hashes, layers.csv and the model all agree.
    /// </summary>
    public static void RetrainAfter(OpenedRun run, int from)
    {
        var (directory, plan) = (run.Directory, run.Plan);
        var bytes = File.ReadAllBytes(directory.StatePath(from));
        var state = ((Checkpoint)StateFile.Decode(bytes, "forged")).State;
        var previous = Fingerprint.Of(bytes);
        var rows = ((LanguageExt.Arr<MetricsRow>)directory.ReadMetrics()).Take(from).ToList();
        if (from > 0) rows[^1] = rows[^1] with { StateSha256 = previous };
        var layers = File.Exists(directory.LayersFile)
            ? File.ReadAllLines(directory.LayersFile).Skip(1).Where(l => int.Parse(l.Split(',')[0], System.Globalization.CultureInfo.InvariantCulture) <= from).ToList()
            : null;
        for (var epoch = from + 1; epoch <= run.Listing.Last; epoch++)
        {
            layers?.AddRange(plan.LayersOf(state).Select(r => r.ToCsv()));
            var checkpoint = plan.CheckpointAfter(Training.Epoch(plan.Config, state, plan.Data.Train), previous);
            var encoded = StateFile.Encode(checkpoint);
            previous = Fingerprint.Of(encoded);
            if (run.Listing.Epochs.Contains(epoch)) File.WriteAllBytes(directory.StatePath(epoch), encoded);
            rows.Add(new MetricsRow(epoch, checkpoint.Metrics!, previous));
            state = checkpoint.State;
            if (epoch == run.Listing.Last) File.WriteAllBytes(directory.FinalFile, ModelFile.Encode(checkpoint, previous));
        }
        if (layers is not null) File.WriteAllLines(directory.LayersFile, layers.Prepend(LayerRow.Header));
        File.WriteAllText(directory.MetricsFile, string.Concat(new[] { MetricsRow.Header }.Concat(rows.Select(r => r.ToCsv())).Select(l => l + "\n")));
    }
}
