using System.Globalization;
using System.Text;
using Backprop.Functional.IO;

namespace Backprop.Functional.Tests.Support;

/// <summary>
/// The seed demo's run (<c>train --out</c> with no options: 7 sigmoid layers, 200 epochs), with a
/// synthetic, seed-like layers.csv written into it: each layer's gradient norm 100 times the one
/// below it, so layer 0 (the input side) has the smallest.
/// </summary>
public sealed class SeedLayersRun : IDisposable
{
    private readonly TempDirectory directory = new();

    /// <summary>The seed network's layer count.</summary>
    public const int Layers = 7;

    /// <summary>The epochs of the fixture file.</summary>
    public const int Epochs = 200;

    /// <summary>Trains the run and writes the fixture.</summary>
    public SeedLayersRun()
    {
        var train = CliRun.Of("train", "--out", Path);
        Assert.True(train.ExitCode == 0, train.Error);
        File.WriteAllText(LayerRows.PathIn(Path), Fixture(Epochs));
    }

    /// <summary>The run directory.</summary>
    public string Path => directory.File("seed-run");

    /// <summary>Layer <paramref name="layer"/>'s gradient norm at <paramref name="epoch"/> in the fixture.</summary>
    public static double GradientNorm(int epoch, int layer) => 1e-9 * Math.Pow(100, layer) * (1 + 1.0 / epoch);

    /// <summary>A seed-like layers.csv of <paramref name="epochs"/> epochs.</summary>
    public static string Fixture(int epochs, Func<int, int, double>? gradientNorm = null)
    {
        gradientNorm ??= GradientNorm;
        var text = new StringBuilder(LayerRow.Header + "\n");
        for (var epoch = 1; epoch <= epochs; epoch++)
        {
            for (var layer = 0; layer < Layers; layer++)
            {
                var g = gradientNorm(epoch, layer);
                var update = 0.02 * g;
                text.Append(CultureInfo.InvariantCulture, $"{epoch},{layer},{R(g)},{R(g / 3)},1.5,{R(update)},{R(update / 1.5)},0.25,,0.5,0.125\n");
            }
        }
        return text.ToString();
    }

    private static string R(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>A copy of the run inside <paramref name="dir"/>, for tests that change it.</summary>
    public string CopyTo(TempDirectory dir) => dir.CopyOf(Path, "seed-run-copy");

    /// <inheritdoc/>
    public void Dispose() => directory.Dispose();
}
