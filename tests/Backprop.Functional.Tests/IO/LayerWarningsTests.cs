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
    private static IEnumerable<LayerReading> Run(int epochs, int bad, int layer, LayerStatistics sick) =>
        Enumerable.Range(1, epochs).SelectMany(e => Enumerable.Range(0, 3).Select(l => new LayerRow(e, l, e <= bad && l == layer ? sick : Healthy()).ToReading()));

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
    public void Layers_that_share_a_finding_share_one_line_and_a_vanished_gradient_is_named_as_their_cause()
    {
        // Layers 0 and 1 barely move because layer 0's gradient vanished; layer 2 is healthy.
        var rows = Enumerable.Range(1, 4).SelectMany(e => new[]
        {
            new LayerRow(e, 0, Healthy(gradient: 1e-5, ratio: 1e-8)).ToReading(),
            new LayerRow(e, 1, Healthy(ratio: 1e-7)).ToReading(),
            new LayerRow(e, 2, Healthy()).ToReading(),
        });
        var warnings = LayerWarnings.Of(rows, Sigmoids);
        Assert.Equal(2, warnings.Count);
        Assert.Contains("vanishing gradient", warnings[0]);
        Assert.StartsWith("warning: layers 0 and 1's update ratio ‖ΔW‖/‖W‖ is below 1e-6 in most epochs", warnings[1]);
        Assert.Contains("the vanishing gradient above", warnings[1]);
        // Without a vanished gradient the same small ratios point at the learning rate.
        var slow = Enumerable.Range(1, 4).SelectMany(e => Enumerable.Range(0, 3).Select(l => new LayerRow(e, l, Healthy(ratio: 1e-7)).ToReading()));
        Assert.StartsWith("warning: layers 0, 1 and 2's update ratio", Assert.Single(LayerWarnings.Of(slow, Sigmoids)));
        Assert.Contains("a learning rate too small", LayerWarnings.Of(slow, Sigmoids)[0]);
    }

    [Fact]
    public void Rows_written_and_parsed_back_are_the_same_bits()
    {
        var row = new LayerRow(7, 2, new LayerStatistics(0.1 + 0.2, 1e-300, Math.PI, double.Epsilon, double.PositiveInfinity, null, 0.25, -0.0, double.NaN));
        var parsed = Assert.Single(LayerRows.Parse("layers.csv", LayerRows.Complete(LayerRow.Header + "\n" + row.ToCsv() + "\n")).Match(r => r, e => throw new InvalidOperationException(e.Message)));
        Assert.Equal(row.ToReading(), parsed);
        Assert.True(BitConverter.DoubleToInt64Bits(parsed.ActivationMean!.Value) == BitConverter.DoubleToInt64Bits(-0.0));
        // A last line without its line break is not a row yet.
        Assert.Empty(LayerRows.Parse("layers.csv", LayerRows.Complete(LayerRow.Header + "\n" + row.ToCsv())).Match(r => r, e => throw new InvalidOperationException(e.Message)));
    }
}
