using BenchmarkDotNet.Running;

namespace Backprop.Benchmarks;

/// <summary>Runs the benchmarks chosen by BenchmarkDotNet's usual arguments (e.g. <c>--filter '*Product*'</c>).</summary>
public static class Program
{
    public static void Main(string[] args) =>
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, BenchmarkConfig.Create());
}
