using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using Perfolizer.Horology;

namespace Backprop.Benchmarks;

/// <summary>
/// Short jobs (the machine has two shared cores: many short iterations, their median and
/// their minimum say more than long runs), allocations, and GFLOP/s for products.
/// </summary>
public static class BenchmarkConfig
{
    public static IConfig Create() =>
        DefaultConfig.Instance
            .AddJob(Job.Default
                .WithWarmupCount(4)
                .WithIterationCount(9)
                .WithIterationTime(TimeInterval.FromMilliseconds(120))
                .WithLaunchCount(1))
            .AddColumn(StatisticColumn.Median, StatisticColumn.Min)
            .AddColumn(new GflopsColumn())
            .AddDiagnoser(MemoryDiagnoser.Default)
            .WithSummaryStyle(SummaryStyle.Default.WithMaxParameterColumnWidth(40));
}
