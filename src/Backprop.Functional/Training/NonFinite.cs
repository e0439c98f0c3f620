using Backprop.Functional.Numerics;

namespace Backprop.Functional;

/// <summary>The first NaN or ±∞ a step produced: where it is and what it was.</summary>
/// <param name="Quantity">"the loss", "the gradient of" or "the updated".</param>
/// <param name="Tensor">The tensor's name (layers.{i}.weight or .bias), empty for the loss.</param>
/// <param name="Index">The element's row-major index, e.g. [3, 7], empty for the loss.</param>
/// <param name="Value">The value found.</param>
public sealed record NonFinite(string Quantity, string Tensor, string Index, double Value)
{
    /// <summary>"NaN in the gradient of layers.2.weight[3, 7]".</summary>
    public string Describe() =>
        $"{(double.IsNaN(Value) ? "NaN" : Value > 0 ? "+Inf" : "-Inf")} in {Quantity}{(Tensor.Length > 0 ? $" {Tensor}{Index}" : "")}";

    /// <summary>The loss if it is not finite.</summary>
    public static NonFinite? InLoss(double loss) => double.IsFinite(loss) ? null : new NonFinite("the loss", "", "", loss);

    /// <summary>The first non-finite element of a gradient-shaped value, scanning layer by layer, weight before bias, row-major.</summary>
    public static NonFinite? In(Gradients values, string quantity)
    {
        for (var i = 0; i < values.Layers.Count; i++)
        {
            var (weight, bias) = (values.Layers[i].Weight, values.Layers[i].Bias);
            var w = Dense.Data(weight);
            for (var r = 0; r < weight.RowCount; r++)
                for (var c = 0; c < weight.ColumnCount; c++)
                    if (!double.IsFinite(w[c * weight.RowCount + r])) return new NonFinite(quantity, $"layers.{i}.weight", $"[{r}, {c}]", w[c * weight.RowCount + r]);
            var b = Dense.Data(bias);
            for (var r = 0; r < b.Length; r++)
                if (!double.IsFinite(b[r])) return new NonFinite(quantity, $"layers.{i}.bias", $"[{r}]", b[r]);
        }
        return null;
    }

    /// <summary>The first non-finite weight or bias of a network.</summary>
    public static NonFinite? In(Network network) => In(Updates.ParametersOf(network), "the updated");
}

/// <summary>What a step does when it meets NaN or ±∞ (Optax's apply_if_finite is <see cref="SkipUpdates"/>).</summary>
public abstract record NonFinitePolicy
{
    /// <summary>Stop training; the caller keeps the last finite state.</summary>
    public static NonFinitePolicy Stop { get; } = new StopTraining();

    /// <summary>Drop the update (parameters and optimizer state unchanged), at most <paramref name="maxSkips"/> times in a run.</summary>
    public static NonFinitePolicy Skip(int maxSkips) => new SkipUpdates(maxSkips);

    /// <summary>Whether a run that has already skipped <paramref name="skipped"/> updates may skip one more.</summary>
    public bool MaySkip(int skipped) => this is SkipUpdates skip && skipped < skip.MaxSkips;

    /// <summary>Stop at the first non-finite step.</summary>
    public sealed record StopTraining : NonFinitePolicy;

    /// <summary>Skip up to <see cref="MaxSkips"/> non-finite steps, then stop.</summary>
    public sealed record SkipUpdates(int MaxSkips) : NonFinitePolicy;
}
