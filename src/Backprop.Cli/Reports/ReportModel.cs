namespace Backprop.Cli.Reports;

/// <summary>Everything the report page shows, gathered from a run directory.</summary>
/// <param name="RunName">The run directory's name.</param>
/// <param name="Network">The network in words (widths, activations, parameters, loss).</param>
/// <param name="RunJson">run.json's text, shown verbatim.</param>
/// <param name="Config">run.json as rows for the configuration table.</param>
/// <param name="Data">What the page's script draws (embedded as JSON).</param>
public sealed record ReportModel(string RunName, string Network, string RunJson, IReadOnlyList<ConfigEntry> Config, ReportData Data);

/// <summary>One row of the configuration table: a run.json key and its value as text.</summary>
public sealed record ConfigEntry(string Key, string Value);

/// <summary>The data the page's script draws; its JSON form is embedded in the page.</summary>
/// <param name="Metrics">The loss and accuracy curves.</param>
/// <param name="Layers">Each layer's shape and histogram range.</param>
/// <param name="Weights">Per kept (sampled) epoch: histograms and norms.</param>
/// <param name="LayerStats">layers.csv's gradient norms and update ratios, or null for a run trained before it was recorded.</param>
public sealed record ReportData(MetricSeries Metrics, IReadOnlyList<LayerInfo> Layers, EpochWeights Weights, LayerStatistics? LayerStats = null);

/// <summary>
/// metrics.csv as columns (subsampled for very long runs); missing validation values are null.
/// <paramref name="TotalEpochs"/> is the number of rows before subsampling.
/// </summary>
public sealed record MetricSeries(int[] Epoch, double?[] Loss, double?[] ValidationLoss, double?[] ValidationAccuracy, int TotalEpochs);

/// <summary>A layer's shape, activation and the weight range its histograms share across epochs.</summary>
public sealed record LayerInfo(int Index, int Outputs, int Inputs, string Activation, double Low, double High);

/// <summary>
/// Per-layer weight histograms and norms for each of <see cref="Epochs"/> (the kept states,
/// evenly subsampled when there are many): <c>Histograms[e][layer][bin]</c>,
/// <c>WeightNorms[e][layer]</c>, <c>BiasNorms[e][layer]</c>.
/// </summary>
public sealed record EpochWeights(int[] Epochs, int KeptCount, int Bins, int[][][] Histograms, float[][] WeightNorms, float[][] BiasNorms);

/// <summary>
/// layers.csv as series: per layer (<see cref="Layers"/> holds the layer indices), the weight-gradient
/// norm and the update ratio at each of <see cref="Epochs"/> (subsampled for very long runs):
/// <c>GradientNorms[layer][e]</c>, <c>UpdateRatios[layer][e]</c>. <see cref="GradientNormsAtStates"/>
/// holds, for each state on the slider, each layer's gradient norm in the epoch that produced it
/// (<c>[state][layer]</c>; null for state 0 and for an epoch layers.csv has no row of).
/// Non-finite values are null; <see cref="TotalEpochs"/> counts the epochs before subsampling.
/// </summary>
public sealed record LayerStatistics(int[] Epochs, int[] Layers, double?[][] GradientNorms, double?[][] UpdateRatios, double?[][] GradientNormsAtStates, int TotalEpochs);
