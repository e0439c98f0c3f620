using Backprop.Functional;
using Backprop.Functional.Numerics;
using BenchmarkDotNet.Attributes;
using MathNet.Numerics.LinearAlgebra;

namespace Backprop.Benchmarks;

/// <summary>Each product of the three workloads: the kernel against the reference chain and MathNet's own product.</summary>
public class ProductBenchmarks
{
    private Matrix<double> left = null!;
    private Matrix<double> right = null!;
    private MatrixView a;
    private MatrixView b;
    private double[] c = [];
    private ComputeContext compute = null!;

    [ParamsSource(nameof(Shapes))]
    public ProductShape Shape { get; set; } = null!;

    [Params(1, 2)]
    public int Threads { get; set; }

    public static IEnumerable<ProductShape> Shapes => ProductShape.All();

    [GlobalSetup]
    public void Setup()
    {
        compute = new ComputeContext(Threads);
        global::MathNet.Numerics.Control.MaxDegreeOfParallelism = Threads;
        (left, right) = Shape.Operands(seed: 7);
        var l = MatrixView.ColumnMajor(Dense.Data(left), left.RowCount, left.ColumnCount);
        var r = MatrixView.ColumnMajor(Dense.Data(right), right.RowCount, right.ColumnCount);
        (a, b) = Shape.Kind switch
        {
            ProductKind.Forward => (l, r.Transposed),
            ProductKind.WeightGradient => (l.Transposed, r),
            _ => (l, r),
        };
        c = new double[a.Rows * b.Columns];
    }

    [GlobalCleanup]
    public void Cleanup() => compute.Dispose();

    [Benchmark(Baseline = true)]
    public double[] Reference()
    {
        ReferenceGemm.Compute(a, b, c);
        return c;
    }

    [Benchmark]
    public double[] Kernel()
    {
        MatrixProduct.Compute(a, b, c, compute);
        return c;
    }

    [Benchmark]
    public Matrix<double> MathNet() => Shape.Kind switch
    {
        ProductKind.Forward => left.TransposeAndMultiply(right),
        ProductKind.WeightGradient => left.TransposeThisAndMultiply(right),
        _ => left.Multiply(right),
    };
}
