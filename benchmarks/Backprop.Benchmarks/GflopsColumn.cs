using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace Backprop.Benchmarks;

/// <summary>2·m·n·k floating-point operations divided by the median time, for benchmarks with a <see cref="ProductShape"/> parameter.</summary>
public sealed class GflopsColumn : IColumn
{
    public string Id => nameof(GflopsColumn);

    public string ColumnName => "GFLOP/s";

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => 0;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => "2·m·n·k / median time, in 10^9 per second";

    public bool IsAvailable(Summary summary) => summary.BenchmarksCases.Any(c => Shape(c) is not null);

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var median = summary[benchmarkCase]?.ResultStatistics?.Median;
        return Shape(benchmarkCase) is { } shape && median is > 0
            ? (shape.Flops / median.Value).ToString("F2", System.Globalization.CultureInfo.InvariantCulture)
            : "-";
    }

    private static ProductShape? Shape(BenchmarkCase benchmarkCase) =>
        benchmarkCase.Parameters.Items.Select(p => p.Value).OfType<ProductShape>().FirstOrDefault();
}
