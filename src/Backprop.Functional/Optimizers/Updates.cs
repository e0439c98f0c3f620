using Backprop.Functional.Numerics;

namespace Backprop.Functional;

/// <summary>Optax's <c>apply_updates</c>: parameters + updates, as a new network.</summary>
public static class Updates
{
    /// <summary>θ + u for every weight and bias. With SGD's u = −(lr·g) this is exactly θ − lr·g.</summary>
    public static Network Apply(Network parameters, Gradients updates)
    {
        if (updates.Layers.Count != parameters.Layers.Count) throw new ArgumentException("updates and network have different layer counts");
        return new Network(parameters.Layers.Zip(updates.Layers).Select(p => p.Item1 with
        {
            Weight = Dense.Matrix(p.Item1.Weight.RowCount, p.Item1.Weight.ColumnCount, Dense.Sum(Dense.Data(p.Item1.Weight), Dense.Data(p.Item2.Weight))),
            Bias = Dense.Vector(Dense.Sum(Dense.Data(p.Item1.Bias), Dense.Data(p.Item2.Bias))),
        }).ToArr());
    }

    /// <summary>The network's weights and biases seen as a gradient-shaped value (shares storage; nothing is copied).</summary>
    public static Gradients ParametersOf(Network network) =>
        new(network.Layers.Map(l => new LayerGradients(l.Weight, l.Bias)));
}
