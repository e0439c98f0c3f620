using System.Globalization;
using LanguageExt;

namespace Backprop.Functional.Runs;

/// <summary>
/// Warnings that explain a run from its layers.csv rows: each holds for more than half of the
/// recorded epochs, and names the layer and the likely cause. Layers count from 0 on the input side.
/// </summary>
public static class LayerWarnings
{
    /// <summary>The first layer's gradient norm below this share of the last layer's is a vanishing gradient.</summary>
    public const double VanishingRatio = 1e-3;

    /// <summary>More than this share of a hidden layer's units saturated or dead is "most".</summary>
    public const double MostUnits = 0.5;

    /// <summary>Update ratios above this are too large a step.</summary>
    public const double LargeUpdate = 1e-1;

    /// <summary>Update ratios below this are too small a step.</summary>
    public const double SmallUpdate = 1e-6;

    /// <summary>
    /// One line per warning over <paramref name="rows"/> (every epoch's rows of a run; an empty cell counts for no warning) for a
    /// network whose layers have <paramref name="activations"/> (names, input side first):
    /// a vanishing gradient (the first layer's weight gradient norm below 1e-3 of the last's),
    /// a hidden layer with most units saturated (sigmoid, tanh) or dead (relu family), and a
    /// layer whose update ratio ‖ΔW‖/‖W‖ is above 1e-1 or below 1e-6, each for more than half of
    /// the epochs. The output layer is left out of saturation: a confident classifier saturates it.
    /// </summary>
    public static Arr<string> Of(IEnumerable<LayerReading> rows, Arr<string> activations)
    {
        var byEpoch = rows.GroupBy(r => r.Epoch).Select(g => g.OrderBy(r => r.Layer).ToArray()).Where(g => g.Length == activations.Count).ToArray();
        var epochs = byEpoch.Length;
        if (epochs == 0 || activations.IsEmpty) return [];
        bool Most(int count) => count * 2 > epochs;
        string Share(int count) => $"{count} of {epochs} epochs";
        var warnings = new List<string>();
        var last = activations.Count - 1;

        var vanishing = last > 0 ? byEpoch.Count(e => e[0].WeightGradNorm < VanishingRatio * e[last].WeightGradNorm) : 0;
        var vanishes = last > 0 && Most(vanishing);
        if (vanishes)
        {
            var squashing = activations.Take(last).Count(a => a is "sigmoid" or "tanh");
            var cause = squashing > 0
                ? $"likely cause: {squashing} {string.Join("/", activations.Take(last).Where(a => a is "sigmoid" or "tanh").Distinct())} layers in depth, each multiplying the gradient by a slope of at most {(activations.Take(last).All(a => a == "sigmoid") ? "0.25" : "1")} (vanishing gradient); try relu or tanh, fewer layers, or a larger init scale"
                : "likely cause: init scale too small for this depth (vanishing gradient); try he or xavier init";
            warnings.Add($"warning: layer 0's gradient norm is below {Number(VanishingRatio)} of layer {last}'s in {Share(vanishing)}: {cause}");
        }

        for (var layer = 0; layer < last; layer++)
        {
            var l = layer;
            var saturated = byEpoch.Count(e => e[l].Saturated > MostUnits);
            if (Most(saturated))
                warnings.Add($"warning: layer {layer} ({activations[layer]}) has most of its activations saturated in {Share(saturated)}: its slope is near 0, so little gradient passes; likely cause: init scale or unstandardized inputs too large, or a learning rate that pushed the weights too far");
            var dead = byEpoch.Count(e => e[l].Dead > MostUnits);
            if (Most(dead))
                warnings.Add($"warning: layer {layer} ({activations[layer]}) has most of its units dead (no positive output on the batch) in {Share(dead)}: they get no gradient; likely cause: a learning rate too large, or a negative bias or init scale; try a smaller lr or leaky-relu");
        }

        // One line per finding, however many layers share it: the layers are named together.
        var large = Enumerable.Range(0, last + 1).Where(l => Most(byEpoch.Count(e => e[l].UpdateRatio > LargeUpdate))).ToArray();
        if (large.Length > 0)
            warnings.Add($"warning: {Layers(large)} update ratio ‖ΔW‖/‖W‖ is above {Number(LargeUpdate)} in most epochs: each step rewrites much of the weights; likely cause: a learning rate too large (or weights initialized near 0)");
        var small = Enumerable.Range(0, last + 1).Where(l => Most(byEpoch.Count(e => e[l].UpdateRatio < SmallUpdate))).ToArray();
        if (small.Length > 0)
            warnings.Add($"warning: {Layers(small)} update ratio ‖ΔW‖/‖W‖ is below {Number(SmallUpdate)} in most epochs: the weights barely move; likely cause: " +
                         (vanishes && small[0] == 0
                             ? "the vanishing gradient above, which leaves the layers near the input almost no gradient to step by (a larger learning rate would not fix it)"
                             : "a learning rate too small, or a gradient that vanishes before it reaches this layer"));
        return warnings.ToArr();
    }

    /// <summary>"layer 2's", "layers 0, 1 and 3's".</summary>
    private static string Layers(int[] layers) =>
        layers.Length == 1 ? $"layer {layers[0]}'s" : $"layers {string.Join(", ", layers[..^1])} and {layers[^1]}'s";

    private static string Number(double value) => value.ToString("0e0", CultureInfo.InvariantCulture);
}
