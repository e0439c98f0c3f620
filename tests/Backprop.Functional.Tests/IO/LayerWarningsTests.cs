using Backprop.Functional.IO;
using LanguageExt;

namespace Backprop.Functional.Tests.IO;

public sealed class LayerWarningsTests
{
    // Arr.create, not a collection expression: LanguageExt 4's Arr would drop the entries.
    private static readonly Arr<string> Sigmoids = Arr.create("sigmoid", "sigmoid", "sigmoid");

    private static readonly Arr<string> Relus = Arr.create("relu", "relu", "identity");

    private static LayerStatistics Healthy(double gradient = 1, double ratio = 1e-3, double? saturated = 0, double? dead = null) =>
        new(gradient, gradient, 1, ratio, ratio, saturated, dead, 0.5, 0.1);

    /// <summary><paramref name="epochs"/> epochs, the first <paramref name="bad"/> of them with <paramref name="sick"/> at <paramref name="layer"/>.</summary>
    private static IEnumerable<LayerRow> Run(int epochs, int bad, int layer, LayerStatistics sick) =>
        Enumerable.Range(1, epochs).SelectMany(e => Enumerable.Range(0, 3).Select(l => new LayerRow(e, l, e <= bad && l == layer ? sick : Healthy())));

    [Fact]
    public void A_vanishing_gradient_is_named_when_it_holds_in_more_than_half_of_the_epochs()
    {
        var tiny = Healthy(gradient: 1e-4);
        Assert.Contains("vanishing gradient", Assert.Single(LayerWarnings.Of(Run(10, 6, 0, tiny), Sigmoids)));
        Assert.Contains("2 sigmoid layers in depth", LayerWarnings.Of(Run(10, 6, 0, tiny), Sigmoids)[0]);
        Assert.Empty(LayerWarnings.Of(Run(10, 5, 0, tiny), Sigmoids));
        Assert.Contains("init scale", LayerWarnings.Of(Run(10, 6, 0, tiny), Relus)[0]);
    }

    [Fact]
    public void Saturated_and_dead_hidden_layers_are_named_but_not_a_saturated_output()
    {
        Assert.Contains("layer 1 (sigmoid) has most of its activations saturated", Assert.Single(LayerWarnings.Of(Run(4, 3, 1, Healthy(saturated: 0.6)), Sigmoids)));
        Assert.Empty(LayerWarnings.Of(Run(4, 3, 1, Healthy(saturated: 0.5)), Sigmoids));
        Assert.Empty(LayerWarnings.Of(Run(4, 4, 2, Healthy(saturated: 0.9)), Sigmoids));
        Assert.Contains("layer 0 (relu) has most of its units dead", Assert.Single(LayerWarnings.Of(Run(4, 3, 0, Healthy(saturated: null, dead: 0.75)), Relus)));
    }

    [Fact]
    public void Update_ratios_out_of_range_name_the_learning_rate()
    {
        Assert.Contains("learning rate too large", Assert.Single(LayerWarnings.Of(Run(3, 2, 2, Healthy(ratio: 0.2)), Sigmoids)));
        Assert.Contains("learning rate too small", Assert.Single(LayerWarnings.Of(Run(3, 2, 1, Healthy(ratio: 1e-7)), Sigmoids)));
        Assert.Empty(LayerWarnings.Of(Run(3, 3, 1, Healthy(ratio: 0.1)), Sigmoids));
    }

    [Fact]
    public void Rows_written_and_parsed_back_are_the_same_bits()
    {
        var row = new LayerRow(7, 2, new LayerStatistics(0.1 + 0.2, 1e-300, Math.PI, double.Epsilon, double.PositiveInfinity, null, 0.25, -0.0, double.NaN));
        var parsed = Assert.Single(LayerRow.ParseLines(LayerRow.Header + "\n" + row.ToCsv() + "\n"));
        Assert.Equal(row.ToCsv(), parsed.ToCsv());
        Assert.Empty(LayerRow.ParseLines(LayerRow.Header + "\n" + row.ToCsv()));
    }
}
