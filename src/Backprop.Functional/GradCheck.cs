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
/// Checks backward against the definition of a derivative: for every weight and bias θ the
/// fourth-order central difference [−L(θ+2h) + 8L(θ+h) − 8L(θ−h) + L(θ−2h)] / 12h.
/// </summary>
/// <remarks>
/// The plain (L(θ+h) − L(θ−h))/2h with h = 1e-6 carries about ε·|L|/h ≈ 1e-10·|L| of rounding
/// noise, which hides real errors in small gradients. The fourth-order stencil allows
/// h = 1e-4: its truncation error is O(h⁴) and its rounding noise ≈ 3e-12·|L|. Slow (four
/// forward passes per parameter); meant for tests and small networks.
/// </remarks>
public static class GradCheck
{
    /// <summary>The step h: small enough for an O(h⁴) truncation error of ~1e-16, large enough for little rounding.</summary>
    public const double DefaultStep = 1e-4;

    /// <summary>Every parameter's analytic (<see cref="Training.Gradient"/>, i.e. <see cref="Backward.Run"/>) and numeric gradient.</summary>
    public static Arr<GradientComparison> Compare(Network network, Loss loss, Dataset data, double step = DefaultStep) =>
        Compare(network, loss, data, Training.Gradient(network, loss, data), step);

    /// <summary>Every parameter of <paramref name="analytic"/>, a gradient claimed for (network, loss, data), beside its numeric gradient.</summary>
    public static Arr<GradientComparison> Compare(Network network, Loss loss, Dataset data, Gradients analytic, double step = DefaultStep)
    {
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
        var theta = values[index];
        return (-LossAt(theta + 2 * step) + 8 * LossAt(theta + step) - 8 * LossAt(theta - step) + LossAt(theta - 2 * step)) / (12 * step);

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
