using Backprop.Cli.Commands;
using Backprop.Cli.Plots;
using Backprop.Functional;
using Backprop.Functional.Numerics;

namespace Backprop.Cli.Reports;

/// <summary>Per-layer summaries of a network's weights: ranges, histograms over given ranges, norms.</summary>
public static class LayerWeights
{
    /// <summary>Each layer's weight range.</summary>
    public static ValueRange[] Ranges(Network network) =>
        network.Layers.Select(l => ValueRange.Of(Dense.Data(l.Weight))).ToArray();

    /// <summary>Each layer's weight histogram over its range in <paramref name="ranges"/>.</summary>
    public static int[][] Histograms(Network network, IReadOnlyList<ValueRange> ranges, int bins) =>
        network.Layers.Select((l, i) => Histogram.Of(Dense.Data(l.Weight), bins, ranges[i].Low, ranges[i].High).Counts).ToArray();

    /// <summary>Each layer's weight norm ‖W‖ (Frobenius).</summary>
    public static float[] WeightNorms(Network network) =>
        network.Layers.Select(l => (float)ShowCommand.Norm(Dense.Data(l.Weight))).ToArray();

    /// <summary>Each layer's bias norm ‖b‖.</summary>
    public static float[] BiasNorms(Network network) =>
        network.Layers.Select(l => (float)ShowCommand.Norm(Dense.Data(l.Bias))).ToArray();
}
