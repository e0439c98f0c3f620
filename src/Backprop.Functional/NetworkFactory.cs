using Backprop.Functional.Numerics;
using LanguageExt;

namespace Backprop.Functional;

/// <summary>Builds fresh networks from widths, activations and an initializer.</summary>
public static class NetworkFactory
{
    /// <summary>
    /// A network with the given widths (input first), <paramref name="hidden"/> on every layer
    /// but the last and <paramref name="output"/> on the last. Layer i's weights are drawn in
    /// row-major order from the generator, layer after layer; biases start at zero.
    /// </summary>
    public static Fin<(Network Network, Rng Next)> Create(IReadOnlyList<int> widths, Activation hidden, Activation output, Initializer initializer, Rng rng)
    {
        if (CheckWidths(widths).Failed(out var widthError, out _)) return widthError;
        var layers = new List<Layer>();
        for (var i = 0; i + 1 < widths.Count; i++)
        {
            var (fanIn, fanOut) = (widths[i], widths[i + 1]);
            (var weights, rng) = initializer.Sample(rng, fanIn, fanOut);
            var activation = i + 2 == widths.Count ? output : hidden;
            layers.Add(new Layer(Dense.FromRowMajor(fanOut, fanIn, weights), Dense.Vector(new double[fanOut]), activation));
        }
        return Network.Create(layers).Map(network => (network, rng));
    }

    /// <summary>
    /// Whether <paramref name="widths"/> (input first) can be a network: at least two, each at
    /// least 1, no layer over <see cref="Limits.MaxTensorElements"/> weights. Checked before
    /// anything is sized by them (<see cref="MemoryEstimate.Of"/> requires it).
    /// </summary>
    public static Fin<Unit> CheckWidths(IReadOnlyList<int> widths)
    {
        if (widths.Count < 2) return new InvalidSetting(Settings.LayerWidths, string.Join(",", widths), "needs at least two widths (inputs and outputs)");
        if (widths.Any(w => w <= 0))
            return new InvalidSetting(Settings.LayerWidths, string.Join(",", widths), $"every width must be at least 1 (got {widths.First(w => w <= 0)})");
        if (widths.Zip(widths.Skip(1), (a, b) => Limits.FitsOneTensor(a, b)).Any(fits => !fits))
            return new InvalidSetting(Settings.LayerWidths, string.Join(",", widths), $"a layer would hold more than {Limits.MaxTensorElements} weights");
        return Unit.Default;
    }

    /// <summary>The seed notebook's network: 10 inputs, 5 hidden layers after the first (32 wide), 2 outputs, sigmoid everywhere.</summary>
    public static int[] SeedWidths => [10, 32, 32, 32, 32, 32, 32, 2];
}
