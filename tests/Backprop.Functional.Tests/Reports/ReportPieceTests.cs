using Backprop.Cli.Reports;
using FsCheck.Xunit;

namespace Backprop.Functional.Tests.Reports;

/// <summary>The pure pieces of the report: epoch subsampling and the script-safe JSON.</summary>
public sealed class ReportPieceTests
{
    [Property]
    public bool A_sample_keeps_order_the_first_and_the_last_and_at_most_max_items(FsCheck.PositiveInt count, FsCheck.PositiveInt max)
    {
        var items = Enumerable.Range(0, count.Get % 2000).Select(i => 3 * i).ToArray();
        var limit = 2 + max.Get % 300;
        var sample = EpochSample.Pick(items, limit);
        return sample.Length == Math.Min(items.Length, limit)
            && sample.Zip(sample.Skip(1), (a, b) => a < b).All(increasing => increasing)
            && (items.Length == 0 || (sample[0] == items[0] && sample[^1] == items[^1]));
    }

    [Fact]
    public void The_embedded_json_cannot_close_its_script_element_and_keeps_its_values()
    {
        var data = new ReportData(
            new MetricSeries([1], [0.5], [null], [null], 1),
            [new LayerInfo(0, 2, 3, "</script><!-- & \u2028", -1, 1)],
            new EpochWeights([0], 1, 30, [[new int[30]]], [[1f]], [[0f]]));
        var json = ReportPage.ScriptSafeJson(data);
        Assert.DoesNotContain("<", json);
        Assert.DoesNotContain(">", json);
        Assert.DoesNotContain("&", json);
        Assert.DoesNotContain("\u2028", json);
        using var parsed = System.Text.Json.JsonDocument.Parse(json);
        Assert.Equal("</script><!-- & \u2028", parsed.RootElement.GetProperty("layers")[0].GetProperty("activation").GetString());
    }
}
