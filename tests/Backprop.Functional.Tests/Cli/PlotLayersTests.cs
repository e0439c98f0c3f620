using System.Text.RegularExpressions;
using Backprop.Functional.Tests.Support;

namespace Backprop.Functional.Tests.Cli;

/// <summary><c>plot --layers</c> draws each layer's gradient norm and update ratio from layers.csv as PNG or SVG, and says what it cannot draw.</summary>
public sealed partial class PlotLayersTests(SeedLayersRun seed) : IClassFixture<SeedLayersRun>
{
    private static readonly byte[] PngSignature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    // ScottPlot's Category10 palette, in layer order.
    private static readonly string[] LayerColors = ["#1F77B4", "#FF7F0E", "#2CA02C", "#D62728", "#9467BD", "#8C564B", "#E377C2"];

    private static string[] Texts(string svg) =>
        TextElement().Matches(svg).Select(m => Regex.Replace(m.Groups[1].Value, "<[^>]*>", "").Trim()).ToArray();

    [Fact]
    public void Plot_layers_writes_a_png_in_the_run_directory_by_default()
    {
        using var dir = new TempDirectory();
        var copy = seed.CopyTo(dir);
        var run = CliRun.Of("plot", copy, "--layers");
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains($"layers.png: gradient norms and update ratios of {SeedLayersRun.Layers} layers over {SeedLayersRun.Epochs} epochs", run.Out);
        Assert.DoesNotContain("left out", run.Out);
        var bytes = File.ReadAllBytes(Path.Combine(copy, "layers.png"));
        Assert.Equal(PngSignature, bytes[..8]);
        Assert.True(bytes.Length > 10_000);
    }

    [Fact]
    public void Plot_layers_svg_has_one_line_per_layer_in_each_panel_a_legend_and_the_reference_ratio()
    {
        using var dir = new TempDirectory();
        var run = CliRun.Of("plot", seed.Path, "--layers", "--out", dir.File("layers.svg"));
        Assert.True(run.ExitCode == 0, run.Error);
        var svg = File.ReadAllText(dir.File("layers.svg"));
        Assert.StartsWith("<?xml", svg);
        var texts = Texts(svg);
        for (var layer = 0; layer < SeedLayersRun.Layers; layer++)
        {
            // A legend entry per layer in each of the two panels.
            Assert.True(texts.Count(t => t == $"layer {layer}") >= 2, $"layer {layer} is missing from a legend");
            // The curve itself: a stroked path in the layer's colour in each panel (and its legend swatch).
            var paths = Regex.Matches(svg, $"<path[^>]*stroke=\"{LayerColors[layer]}\"", RegexOptions.IgnoreCase).Count;
            Assert.True(paths >= 2, $"layer {layer}: {paths} paths in {LayerColors[layer]}");
        }
        Assert.DoesNotContain(texts, t => t == "layer 7");
        Assert.Contains("1e-3 (rule of thumb)", texts);
        Assert.Contains(texts, t => t.StartsWith("Gradient norm per layer", StringComparison.Ordinal));
        Assert.Contains("Update ratio per layer", texts);
        Assert.DoesNotContain(texts, t => t.Contains("left out", StringComparison.Ordinal));
    }

    [Fact]
    public void Plot_layers_leaves_zero_and_non_finite_values_out_of_the_log_axes_and_says_so()
    {
        using var dir = new TempDirectory();
        var copy = seed.CopyTo(dir);
        File.WriteAllText(Path.Combine(copy, "layers.csv"),
            SeedLayersRun.Fixture(20, (epoch, layer) => epoch == 5 && layer == 0 ? 0 : epoch == 6 && layer == 1 ? double.NaN : SeedLayersRun.GradientNorm(epoch, layer)));
        var run = CliRun.Of("plot", copy, "--layers", "--out", dir.File("broken.svg"));
        Assert.True(run.ExitCode == 0, run.Error);
        // Each bad gradient norm also makes that row's update ratio bad: 2 + 2 values.
        Assert.Contains("(4 zero, negative or non-finite values left out of the log axes)", run.Out);
        Assert.Contains("4 zero, negative or non-finite values left out of the log axes", Texts(File.ReadAllText(dir.File("broken.svg"))));
    }

    [Fact]
    public void Plot_layers_of_a_run_without_layers_csv_says_why()
    {
        using var dir = new TempDirectory();
        var copy = seed.CopyTo(dir);
        File.Delete(Path.Combine(copy, "layers.csv"));
        CliRun.Of("plot", copy, "--layers").AssertRefused("has no layers.csv: it was trained before per-layer statistics were recorded");
        Assert.False(File.Exists(Path.Combine(copy, "layers.png")));
    }

    [Fact]
    public void Plot_layers_refuses_a_broken_layers_csv_naming_file_line_and_column()
    {
        using var dir = new TempDirectory();
        var copy = seed.CopyTo(dir);
        var file = Path.Combine(copy, "layers.csv");
        File.AppendAllText(file, "201,0,oops,1,1,1,1,,,0,0\n");
        CliRun.Of("plot", copy, "--layers").AssertRefused(file, $"line {SeedLayersRun.Epochs * SeedLayersRun.Layers + 2}", "column 'weight_grad_norm'", "'oops' is not a number");
    }

    [Fact]
    public void Plot_layers_refuses_options_of_the_other_figures()
    {
        CliRun.Of("plot", seed.Path, "--layers", "--weights").AssertRefused("--layers", "--weights");
        CliRun.Of("plot", seed.Path, "--layers", "--log").AssertRefused("--log");
        CliRun.Of("plot", seed.Path, "--layers", "--epoch", "3").AssertRefused("--epoch");
        CliRun.Of("plot", seed.Path, "--layers", "--out", "layers.jpg").AssertRefused(".png or .svg");
    }

    [GeneratedRegex("<text[^>]*>(.*?)</text>", RegexOptions.Singleline)]
    private static partial Regex TextElement();
}
