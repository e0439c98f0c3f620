using System.Text.Json;
using Backprop.Cli.Reports;
using Backprop.Functional.IO;
using Backprop.Functional.Tests.Support;
using LanguageExt;

namespace Backprop.Functional.Tests.Cli;

/// <summary><c>report</c> adds layers.csv's gradient norms and update ratios when the run recorded them, and simply has no such panel otherwise.</summary>
public sealed class ReportLayersTests(SeedLayersRun seed) : IClassFixture<SeedLayersRun>
{
    private const string DataStart = "<script type=\"application/json\" id=\"report-data\">";

    private static JsonElement EmbeddedData(string page)
    {
        var start = page.IndexOf(DataStart, StringComparison.Ordinal) + DataStart.Length;
        var end = page.IndexOf("</script>", start, StringComparison.Ordinal);
        return JsonDocument.Parse(page[start..end]).RootElement;
    }

    private static double?[] Numbers(JsonElement array) =>
        array.EnumerateArray().Select(v => v.ValueKind == JsonValueKind.Null ? (double?)null : v.GetDouble()).ToArray();

    [Fact]
    public void Report_embeds_each_layers_gradient_norms_and_update_ratios_and_the_norm_at_each_state()
    {
        using var dir = new TempDirectory();
        var run = CliRun.Of("report", seed.Path, "--out", dir.File("report.html"));
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains($"gradient norms of {SeedLayersRun.Layers} layers from layers.csv", run.Out);
        var page = File.ReadAllText(dir.File("report.html"));
        Assert.Contains("id=\"layer-stats\"", page);
        Assert.Contains("id=\"gradient-chart\"", page);
        Assert.Contains("id=\"ratio-chart\"", page);

        var stats = EmbeddedData(page).GetProperty("layerStats");
        Assert.Equal(Enumerable.Range(0, SeedLayersRun.Layers), stats.GetProperty("layers").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal(Enumerable.Range(1, SeedLayersRun.Epochs), stats.GetProperty("epochs").EnumerateArray().Select(e => e.GetInt32()));
        var gradients = stats.GetProperty("gradientNorms").EnumerateArray().Select(Numbers).ToArray();
        Assert.Equal(SeedLayersRun.GradientNorm(7, 3), gradients[3][6]);
        Assert.Equal(SeedLayersRun.Layers, stats.GetProperty("updateRatios").GetArrayLength());

        var states = EmbeddedData(page).GetProperty("weights").GetProperty("epochs").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        var atStates = stats.GetProperty("gradientNormsAtStates").EnumerateArray().Select(Numbers).ToArray();
        Assert.Equal(states.Length, atStates.Length);
        Assert.All(atStates[0], Assert.Null);
        for (var s = 1; s < states.Length; s++)
        {
            for (var layer = 0; layer < SeedLayersRun.Layers; layer++)
                Assert.Equal(SeedLayersRun.GradientNorm(states[s], layer), atStates[s][layer]);
        }
    }

    [Fact]
    public void Report_of_a_run_without_layers_csv_has_no_layer_panel()
    {
        using var dir = new TempDirectory();
        var copy = seed.CopyTo(dir);
        File.Delete(LayerRows.PathIn(copy));
        var run = CliRun.Of("report", copy, "--out", dir.File("report.html"));
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.DoesNotContain("layers.csv", run.Out);
        var page = File.ReadAllText(dir.File("report.html"));
        Assert.DoesNotContain("id=\"layer-stats\"", page);
        Assert.Equal(JsonValueKind.Null, EmbeddedData(page).GetProperty("layerStats").ValueKind);
    }

    [Fact]
    public void Report_refuses_a_broken_layers_csv_naming_the_file_and_line()
    {
        using var dir = new TempDirectory();
        var copy = seed.CopyTo(dir);
        var file = LayerRows.PathIn(copy);
        File.WriteAllText(file, LayerRow.Header + "\n1,0,0.5\n");
        CliRun.Of("report", copy, "--out", dir.File("report.html")).AssertRefused(file, "line 2", "missing column 'bias_grad_norm'");
        Assert.False(File.Exists(dir.File("report.html")));
    }

    [Fact]
    public void Layer_stats_hold_non_finite_values_as_null_and_states_without_a_row_as_null()
    {
        var rows = new Arr<LayerReading>([
            new LayerReading(1, 0, double.NaN, null, null, null, 0.001, null, null, null, null),
            new LayerReading(1, 1, 2, null, null, null, double.PositiveInfinity, null, null, null, null),
            new LayerReading(2, 0, 0, null, null, null, 0, null, null, null, null),
            new LayerReading(2, 1, 3, null, null, null, 1e-4, null, null, null, null),
        ]);
        var stats = ReportCollector.LayerStats(rows, [0, 2, 5]);
        Assert.Equal([1, 2], stats.Epochs);
        Assert.Equal([0, 1], stats.Layers);
        Assert.Equal([null, 0], stats.GradientNorms[0]);
        Assert.Equal([2, 3], stats.GradientNorms[1]);
        Assert.Equal([0.001, 0], stats.UpdateRatios[0]);
        Assert.Equal([null, 1e-4], stats.UpdateRatios[1]);
        Assert.Equal([[null, null], [0, 3], [null, null]], stats.GradientNormsAtStates);
        Assert.Equal(2, stats.TotalEpochs);
    }
}
