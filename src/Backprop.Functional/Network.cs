using LanguageExt;
using LanguageExt.Common;

namespace Backprop.Functional;

/// <summary>
/// A network is a value: a list of layers, input side first, whose widths chain
/// (each layer's input width is the previous layer's output width).
/// </summary>
public sealed record Network(Arr<Layer> Layers)
{
    /// <summary>Every width, input first: [in, hidden…, out].</summary>
    public Arr<int> Widths => Layers.Map(l => l.OutputWidth).Prepend(Layers[0].InputWidth).ToArr();

    /// <summary>How many features one sample has.</summary>
    public int InputWidth => Layers[0].InputWidth;

    /// <summary>How many outputs the network produces per sample.</summary>
    public int OutputWidth => Layers[^1].OutputWidth;

    /// <summary>Each layer's activation, input side first.</summary>
    public Arr<Activation> Activations => Layers.Map(l => l.Activation);

    /// <summary>Total number of weights and biases.</summary>
    public long ParameterCount => Layers.Sum(l => (long)l.Weight.RowCount * l.Weight.ColumnCount + l.Bias.Count);

    /// <summary>Checks that the layers chain and that softmax appears only on the output layer.</summary>
    public static Fin<Network> Create(IEnumerable<Layer> layers)
    {
        var list = layers.ToArr();
        if (list.IsEmpty) return Error.New("a network needs at least one layer");
        for (var i = 1; i < list.Count; i++)
            if (list[i].InputWidth != list[i - 1].OutputWidth)
                return Error.New($"layer {i} reads {list[i].InputWidth} inputs but layer {i - 1} writes {list[i - 1].OutputWidth}");
        for (var i = 0; i < list.Count - 1; i++)
            if (!list[i].Activation.AllowedOnHiddenLayers)
                return Error.New($"{list[i].Activation.Name} may only be the output activation (layer {i} is hidden)");
        return new Network(list);
    }

    /// <summary>"10-32-2 (sigmoid, sigmoid)": a one-line description.</summary>
    public string Describe() => $"{string.Join("-", Widths)} ({string.Join(", ", Activations.Map(a => a.Name))})";
}
