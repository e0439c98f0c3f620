using System.Text.Json;
using System.Text.Json.Nodes;
using Backprop.Cli.Commands;
using Backprop.Cli.Plots;
using Backprop.Functional;
using Backprop.Functional.IO;
using Backprop.Functional.Runs;
using LanguageExt;
using LanguageExt.Common;

namespace Backprop.Cli.Reports;

/// <summary>Reads what a report shows from a run directory (the effects; the summaries are pure).</summary>
public static class ReportCollector
{
    /// <summary>Kept epochs shown on the slider at most; more are evenly subsampled.</summary>
    public const int MaxEpochs = 200;

    /// <summary>Metrics points drawn at most; longer runs are evenly subsampled.</summary>
    public const int MaxMetricPoints = 2000;

    /// <summary>Histogram bins per layer.</summary>
    public const int Bins = 30;

    /// <summary>
    /// Gathers the report of <paramref name="run"/>. A run still being trained deletes the states
    /// it does not keep as it goes: a state that vanishes while the report is read is left out.
    /// </summary>
    public static Fin<ReportModel> Collect(RunDirectory run)
    {
        var kept = run.List().Epochs;
        if (kept.IsEmpty) return Error.New($"{run.Path}: holds no saved state");
        if (run.ReadRunText().Failed(out var runError, out var runJson)) return runError;
        if (ConfigEntries(run.RunFile, runJson).Failed(out var configError, out var config)) return configError;
        if (run.ReadMetrics().Failed(out var metricsError, out var rows)) return metricsError;
        var epochs = EpochSample.Pick(kept.ToArray(), MaxEpochs);

        // Two passes over the states: the first finds each layer's weight range over every
        // shown epoch, so that the second can bin all epochs on one shared axis per layer and
        // the slider shows the distribution moving rather than the axis rescaling.
        var ranges = Array.Empty<ValueRange>();
        Checkpoint? last = null;
        var shown = new List<int>();
        foreach (var epoch in epochs)
        {
            if (run.ReadState(epoch).Failed(out var readError, out var checkpoint))
            {
                if (readError.Code == FileInput.MissingFileCode) continue;
                return readError;
            }
            shown.Add(epoch);
            var layerRanges = LayerWeights.Ranges(checkpoint.State.Network);
            if (ranges.Length > 0 && ranges.Length != layerRanges.Length)
                return Error.New($"{run.StatePath(epoch)}: holds {layerRanges.Length} layers but earlier states hold {ranges.Length}");
            ranges = ranges.Length == 0 ? layerRanges : ranges.Zip(layerRanges, (a, b) => a.Union(b)).ToArray();
            last = checkpoint;
        }
        var widened = ranges.Select(r => ValueRange.Widened(r.Low, r.High)).Select(r => new ValueRange(r.Low, r.High)).ToArray();

        if (last is null) return Error.New($"{run.Path}: its states vanished while they were read");
        var (histograms, weightNorms, biasNorms) = (new List<int[][]>(), new List<float[]>(), new List<float[]>());
        foreach (var epoch in shown.ToArray())
        {
            if (run.ReadState(epoch).Failed(out var readError, out var checkpoint))
            {
                if (readError.Code != FileInput.MissingFileCode) return readError;
                shown.Remove(epoch);
                continue;
            }
            var network = checkpoint.State.Network;
            histograms.Add(LayerWeights.Histograms(network, widened, Bins));
            weightNorms.Add(LayerWeights.WeightNorms(network));
            biasNorms.Add(LayerWeights.BiasNorms(network));
        }

        // A run trained before layers.csv was recorded simply has no such panel.
        var layersFile = LayerRows.PathIn(run.Path);
        var layerRows = LayerRows.Read(layersFile);
        if (layerRows.Failed(out var layersError, out var statRows) && layersError.Code != FileInput.MissingFileCode) return layersError;

        var finalNetwork = last.State.Network;
        var layers = finalNetwork.Layers.Select((l, i) => new LayerInfo(i, l.OutputWidth, l.InputWidth, l.Activation.Name, widened[i].Low, widened[i].High)).ToArray();
        var data = new ReportData(
            Metrics(rows),
            layers,
            new EpochWeights([.. shown], kept.Count, Bins, [.. histograms], [.. weightNorms], [.. biasNorms]),
            layerRows.IsSucc && !statRows.IsEmpty ? LayerStats(statRows, [.. shown]) : null);
        var description = $"{finalNetwork.Describe()}, {finalNetwork.ParameterCount:N0} parameters, loss {last.Loss.Name}";
        return new ReportModel(PlotCommand.RunName(run), description, runJson, config, data);
    }

    /// <summary>The metrics as columns, at most <see cref="MaxMetricPoints"/> rows of them.</summary>
    public static MetricSeries Metrics(Arr<MetricsRow> rows)
    {
        var shown = EpochSample.Pick(rows.ToArray(), MaxMetricPoints);
        static double? Finite(double? value) => value is { } v && double.IsFinite(v) ? v : null;
        return new MetricSeries(
            shown.Select(r => r.Epoch).ToArray(),
            shown.Select(r => Finite(r.Metrics.Loss)).ToArray(),
            shown.Select(r => Finite(r.Metrics.ValidationLoss)).ToArray(),
            shown.Select(r => Finite(r.Metrics.ValidationAccuracy)).ToArray(),
            rows.Count);
    }

    /// <summary>layers.csv's rows as series (at most <see cref="MaxMetricPoints"/> epochs) and each layer's gradient norm at the states <paramref name="states"/>.</summary>
    public static LayerStatistics LayerStats(Arr<LayerReading> rows, int[] states)
    {
        static double? Finite(double? value) => value is { } v && double.IsFinite(v) ? v : null;
        var layers = rows.Select(r => r.Layer).Distinct().Order().ToArray();
        var allEpochs = rows.Select(r => r.Epoch).Distinct().Order().ToArray();
        var epochs = EpochSample.Pick(allEpochs, MaxMetricPoints);
        // The last row of an (epoch, layer) pair wins, should a file repeat one.
        var byKey = new Dictionary<(int Epoch, int Layer), LayerReading>();
        foreach (var row in rows) byKey[(row.Epoch, row.Layer)] = row;
        double?[][] Series(Func<LayerReading, double?> value) =>
            layers.Select(l => epochs.Select(e => byKey.TryGetValue((e, l), out var row) ? Finite(value(row)) : null).ToArray()).ToArray();
        var atStates = states.Select(s => layers.Select(l => byKey.TryGetValue((s, l), out var row) ? Finite(row.WeightGradNorm) : null).ToArray()).ToArray();
        return new LayerStatistics(epochs, layers, Series(r => r.WeightGradNorm), Series(r => r.UpdateRatio), atStates, allEpochs.Length);
    }

    /// <summary>run.json's keys and values as text, provenance keys prefixed with "provenance.".</summary>
    public static Fin<Arr<ConfigEntry>> ConfigEntries(string source, string json)
    {
        JsonNode? node;
        try { node = JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { MaxDepth = 16 }); }
        catch (JsonException e) { return Error.New($"{source}: not valid JSON ({e.Message.Split('\n')[0]})"); }
        if (node is not JsonObject root) return Error.New($"{source}: a run configuration must be a JSON object");
        return Flatten("", root).ToArr();
    }

    private static IEnumerable<ConfigEntry> Flatten(string prefix, JsonObject json) =>
        json.SelectMany(pair => pair.Value is JsonObject inner
            ? Flatten($"{prefix}{pair.Key}.", inner)
            : [new ConfigEntry(prefix + pair.Key, pair.Value switch
            {
                null => "null",
                JsonValue value when value.TryGetValue<string>(out var text) => text,
                var other => other.ToJsonString(),
            })]);
}
