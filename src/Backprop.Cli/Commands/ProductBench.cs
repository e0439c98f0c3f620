using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Backprop.Functional;
using Backprop.Functional.Numerics;
using LanguageExt;

namespace Backprop.Cli.Commands;

/// <summary><c>bench --product N</c>: the GFLOP/s of N×N·N×N products through <see cref="MatrixProduct"/>, as numpy's dgemm is timed in benchmarks/peers.</summary>
internal static class ProductBench
{
    /// <summary>What one product bench measured: the median of its timed products.</summary>
    public sealed record Result(int Size, int Threads, int Repetitions, double MedianSeconds, double BestSeconds);

    /// <summary>One untimed product, then products until about a second has passed (at least five); the median and the best.</summary>
    public static Fin<Result> Run(int size, ComputeContext compute)
    {
        if (size is < 1 or > 8192) return new OutOfRange(Flags.Shell.Product, size, "from 1 to 8192");
        var rng = Rng.FromSeed(0);
        (var a, rng) = rng.Normals(size * size, 0, 1);
        (var b, _) = rng.Normals(size * size, 0, 1);
        var c = new double[size * size];
        var (left, right) = (MatrixView.ColumnMajor(a, size, size), MatrixView.ColumnMajor(b, size, size));
        MatrixProduct.Compute(left, right, c, compute);
        var times = new List<double>();
        var total = Stopwatch.StartNew();
        while (times.Count < 5 || total.Elapsed.TotalSeconds < 1)
        {
            var clock = Stopwatch.StartNew();
            MatrixProduct.Compute(left, right, c, compute);
            times.Add(clock.Elapsed.TotalSeconds);
        }
        times.Sort();
        return new Result(size, compute.Threads, times.Count, times[times.Count / 2], times[0]);
    }

    /// <summary>Prints the result as text or one JSON object.</summary>
    public static int Report(CommandContext context, Result r, bool json)
    {
        var flops = 2.0 * r.Size * r.Size * r.Size;
        if (json)
        {
            context.Out.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object>
            {
                ["peer"] = "Backprop.Functional",
                ["product"] = r.Size,
                ["threads"] = r.Threads,
                ["vectors"] = Hardware.VectorWidth,
                ["repetitions"] = r.Repetitions,
                ["median_seconds"] = r.MedianSeconds,
                ["gflops"] = flops / r.MedianSeconds / 1e9,
                ["best_gflops"] = flops / r.BestSeconds / 1e9,
            }));
            return ExitCodes.Success;
        }
        string N(double v) => v.ToString("0.0", CultureInfo.InvariantCulture);
        context.Out.WriteLine($"{r.Size}×{r.Size}·{r.Size}×{r.Size} on {r.Threads} thread(s), {Hardware.VectorWidth}: {N(flops / r.MedianSeconds / 1e9)} GFLOP/s (median of {r.Repetitions}), best {N(flops / r.BestSeconds / 1e9)}");
        return ExitCodes.Success;
    }
}
