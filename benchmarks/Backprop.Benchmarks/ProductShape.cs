using MathNet.Numerics.Distributions;
using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.LinearAlgebra.Double;
using MathNet.Numerics.Random;

namespace Backprop.Benchmarks;

/// <summary>Which product of a training step a shape comes from, and so which operands are transposed.</summary>
public enum ProductKind
{
    /// <summary>Z[n, out] = X[n, in]·Wᵀ.</summary>
    Forward,

    /// <summary>dW[out, in] = δᵀ·X (k = batch).</summary>
    WeightGradient,

    /// <summary>dX[n, in] = δ[n, out]·W.</summary>
    InputGradient,
}

/// <summary>One product of the three workloads: the batch rows and the layer's widths.</summary>
public sealed record ProductShape(string Workload, ProductKind Kind, int Batch, int Inputs, int Outputs)
{
    /// <summary>(m, n, k) of the product.</summary>
    public (int M, int N, int K) Dimensions => Kind switch
    {
        ProductKind.Forward => (Batch, Outputs, Inputs),
        ProductKind.WeightGradient => (Outputs, Inputs, Batch),
        _ => (Batch, Inputs, Outputs),
    };

    /// <summary>Floating-point operations (a multiply and an add per step of each chain).</summary>
    public double Flops => 2.0 * Dimensions.M * Dimensions.N * Dimensions.K;

    /// <summary>The two operands as the training step holds them: X or δ [batch, ·] and W [out, in].</summary>
    public (Matrix<double> Left, Matrix<double> Right) Operands(int seed)
    {
        var random = new Xoshiro256StarStar(seed);
        Matrix<double> Random(int rows, int columns) => DenseMatrix.CreateRandom(rows, columns, new Normal(0, 1, random));
        return Kind switch
        {
            ProductKind.Forward => (Random(Batch, Inputs), Random(Outputs, Inputs)),
            ProductKind.WeightGradient => (Random(Batch, Outputs), Random(Batch, Inputs)),
            _ => (Random(Batch, Outputs), Random(Outputs, Inputs)),
        };
    }

    /// <inheritdoc/>
    public override string ToString()
    {
        var (m, n, k) = Dimensions;
        return $"{Workload} {Kind} {m}x{k}·{k}x{n}";
    }

    /// <summary>Every distinct product of the seed, small and wide workloads.</summary>
    public static IEnumerable<ProductShape> All() =>
        Workloads.All.SelectMany(w => Of(w.Name, w.Batch, w.Widths)).DistinctBy(s => (s.Kind, s.Dimensions));

    private static IEnumerable<ProductShape> Of(string workload, int batch, int[] widths)
    {
        for (var i = 0; i + 1 < widths.Length; i++)
        {
            yield return new ProductShape(workload, ProductKind.Forward, batch, widths[i], widths[i + 1]);
            yield return new ProductShape(workload, ProductKind.WeightGradient, batch, widths[i], widths[i + 1]);
            // The first layer's input gradient is never needed.
            if (i > 0) yield return new ProductShape(workload, ProductKind.InputGradient, batch, widths[i], widths[i + 1]);
        }
    }
}
