using Backprop.Functional.Runs;
using LanguageExt;

namespace Backprop.Cli.Plots;

/// <summary>
/// The curves of a run's layers.csv for log axes: per layer, log10 of the weight-gradient norm and
/// of the update ratio against epoch. Values a log axis cannot show (zero, negative, non-finite)
/// are left out and counted in <see cref="Dropped"/>; empty cells (not recorded) are simply absent.
/// </summary>
public sealed record LayerCurves(Curve[] GradientNorms, Curve[] UpdateRatios, int Dropped, int Epochs)
{
    /// <summary>The curves of <paramref name="rows"/>, one per layer index found, in layer order.</summary>
    public static LayerCurves Of(Arr<LayerReading> rows)
    {
        var layers = rows.Select(r => r.Layer).Distinct().Order().ToArray();
        var dropped = 0;
        Curve Log10(int layer, Func<LayerReading, double?> value)
        {
            var points = new List<(double Epoch, double Value)>();
            foreach (var row in rows.Where(r => r.Layer == layer).OrderBy(r => r.Epoch))
            {
                if (value(row) is not { } v) continue;
                if (v > 0 && double.IsFinite(v)) points.Add((row.Epoch, Math.Log10(v)));
                else dropped++;
            }
            return new Curve($"layer {layer}", points.Select(p => p.Epoch).ToArray(), points.Select(p => p.Value).ToArray());
        }
        var gradients = layers.Select(l => Log10(l, r => r.WeightGradNorm)).ToArray();
        var ratios = layers.Select(l => Log10(l, r => r.UpdateRatio)).ToArray();
        return new LayerCurves(gradients, ratios, dropped, rows.Select(r => r.Epoch).Distinct().Count());
    }

    /// <summary>The number of layers drawn.</summary>
    public int LayerCount => GradientNorms.Length;
}
