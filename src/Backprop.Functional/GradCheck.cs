using Backprop.Functional.Numerics;
using LanguageExt;

namespace Backprop.Functional;

/// <summary>One parameter's analytic gradient beside its central finite difference.</summary>
public sealed record GradientComparison(string Tensor, int Row, int Column, double Analytic, double Numeric)
{
    /// <summary>|analytic − numeric| / max(|analytic|, |numeric|, floor).</summary>
    public double RelativeError(double absoluteFloor) =>
        Math.Abs(Analytic - Numeric) / Math.Max(Math.Max(Math.Abs(Analytic), Math.Abs(Numeric)), absoluteFloor);
}

/// <summary>
/// Checks backward against the definition of a derivative: for every weight and bias θ,
/// (L(θ + h) − L(θ − h)) / 2h. Slow (two forward passes per parameter); meant for tests and
/// for small networks on the command line.
/// </summary>
public static class GradCheck
{
    /// <summary>Every parameter's analytic and numeric gradient.</summary>
    public static Arr<GradientComparison> Compare(Network network, Loss loss, Dataset data, double step = 1e-6)
    {
        var analytic = Training.Gradient(network, loss, data);
        var results = new List<GradientComparison>();
        for (var i = 0; i < network.Layers.Count; i++)
        {
            var layer = network.Layers[i];
            for (var r = 0; r < layer.Weight.RowCount; r++)
                for (var c = 0; c < layer.Weight.ColumnCount; c++)
                {
                    var numeric = CentralDifference(network, loss, data, step, i, Dense.Data(layer.Weight), c * layer.Weight.RowCount + r, isBias: false);
                    results.Add(new GradientComparison($"layers.{i}.weight", r, c, analytic.Layers[i].Weight[r, c], numeric));
                }
            for (var r = 0; r < layer.Bias.Count; r++)
            {
                var numeric = CentralDifference(network, loss, data, step, i, Dense.Data(layer.Bias), r, isBias: true);
                results.Add(new GradientComparison($"layers.{i}.bias", r, 0, analytic.Layers[i].Bias[r], numeric));
            }
        }
        return results.ToArr();
    }

    private static double CentralDifference(Network network, Loss loss, Dataset data, double step, int layerIndex, double[] values, int index, bool isBias)
    {
        // Divide by the distance actually moved: θ ± h is rounded, and 2h would not be exact.
        var (plus, minus) = (values[index] + step, values[index] - step);
        return (LossAt(plus) - LossAt(minus)) / (plus - minus);

        double LossAt(double value)
        {
            var copy = (double[])values.Clone();
            copy[index] = value;
            var layer = network.Layers[layerIndex];
            var changed = isBias
                ? layer with { Bias = Dense.Vector(copy) }
                : layer with { Weight = Dense.Matrix(layer.Weight.RowCount, layer.Weight.ColumnCount, copy) };
            return Training.Loss(network with { Layers = network.Layers.SetItem(layerIndex, changed) }, loss, data);
        }
    }
}
