using Backprop.Functional.Numerics;
using FsCheck;
using FsCheck.Fluent;

namespace Backprop.Functional.Tests.Numerics;

/// <summary>How an operand is laid out in its array.</summary>
public enum Layout
{
    /// <summary>Column-major with a leading dimension of at least its rows (MathNet's own layout).</summary>
    ColumnMajor,

    /// <summary>The transpose of a column-major matrix: rows are contiguous.</summary>
    Transposed,

    /// <summary>Neither rows nor columns contiguous (every other element of a larger array).</summary>
    Strided,
}

/// <summary>
/// A recipe for one product A[m×k]·B[k×n]: shapes, layouts, offsets and a seed for the
/// values. Properties take recipes so that a failure shrinks to small, readable shapes.
/// </summary>
public sealed record ProductCase(int M, int N, int K, Layout LayoutA, Layout LayoutB, int Padding, ulong Seed)
{
    /// <summary>The left operand as a view on its own array.</summary>
    public MatrixView A => View(M, K, LayoutA, Seed);

    /// <summary>The right operand as a view on its own array.</summary>
    public MatrixView B => View(K, N, LayoutB, Seed ^ 0x9E37_79B9_7F4A_7C15UL);

    /// <inheritdoc/>
    public override string ToString() => $"{M}x{K} ({LayoutA}) · {K}x{N} ({LayoutB}), padding {Padding}, seed {Seed}";

    private MatrixView View(int rows, int columns, Layout layout, ulong seed)
    {
        // Values sit at a padded offset with a padded leading dimension, so a kernel that
        // ignores the offset or the strides reads other numbers and is caught.
        var lead = layout == Layout.Transposed ? columns + Padding : rows + Padding;
        var data = Values(seed, Padding + lead * (layout == Layout.Transposed ? rows : columns) * (layout == Layout.Strided ? 2 : 1) + 1);
        return layout switch
        {
            Layout.ColumnMajor => new MatrixView(data, Padding, rows, columns, 1, lead),
            Layout.Transposed => new MatrixView(data, Padding, rows, columns, lead, 1),
            _ => new MatrixView(data, Padding, rows, columns, 2, 2 * lead),
        };
    }

    /// <summary>
    /// Mostly ordinary numbers of mixed magnitude, with ±0, subnormals, huge values (whose
    /// products overflow to ±∞ and then NaN) and infinities sprinkled in.
    /// </summary>
    private static double[] Values(ulong seed, int count)
    {
        var rng = Rng.FromSeed(seed);
        var values = new double[count];
        for (var i = 0; i < count; i++)
        {
            (var kind, rng) = rng.NextInt(100);
            (var u, rng) = rng.NextDouble();
            var signed = 2 * u - 1;
            values[i] = kind switch
            {
                < 4 => 0.0,
                < 8 => -0.0,
                < 13 => signed * double.Epsilon * 1e15, // subnormal
                < 17 => signed * 1e300,
                < 19 => signed * 1e-300,
                < 20 => signed < 0 ? double.NegativeInfinity : double.PositiveInfinity,
                < 60 => signed,
                _ => signed * Math.Pow(2, 40 * signed),
            };
        }
        return values;
    }

    /// <summary>Each dimension 1..80, leaning towards the tile sizes (multiples of 4, 6, 8 and 16, ±1) and towards 1.</summary>
    public static Arbitrary<ProductCase> Arbitrary() =>
        Arb.From(
            from m in Dimension
            from n in Dimension
            from k in Dimension
            from layoutA in Gen.Elements(Layout.ColumnMajor, Layout.Transposed, Layout.Strided)
            from layoutB in Gen.Elements(Layout.ColumnMajor, Layout.Transposed, Layout.Strided)
            from padding in Gen.Choose(0, 3)
            from seed in Gen.Choose(0, int.MaxValue)
            select new ProductCase(m, n, k, layoutA, layoutB, padding, (ulong)seed),
            Shrink);

    private static Gen<int> Dimension =>
        Gen.OneOf(
            Gen.Choose(1, 80),
            Gen.Elements(1, 2),
            from tile in Gen.Elements(4, 6, 8, 12, 16, 24, 32, 48, 64)
            from delta in Gen.Choose(-1, 1)
            select tile + delta);

    private static IEnumerable<ProductCase> Shrink(ProductCase c)
    {
        if (c.M > 1) yield return c with { M = c.M / 2 };
        if (c.N > 1) yield return c with { N = c.N / 2 };
        if (c.K > 1) yield return c with { K = c.K / 2 };
        if (c.M > 1) yield return c with { M = c.M - 1 };
        if (c.N > 1) yield return c with { N = c.N - 1 };
        if (c.K > 1) yield return c with { K = c.K - 1 };
        if (c.LayoutA != Layout.ColumnMajor) yield return c with { LayoutA = Layout.ColumnMajor };
        if (c.LayoutB != Layout.ColumnMajor) yield return c with { LayoutB = Layout.ColumnMajor };
        if (c.Padding > 0) yield return c with { Padding = 0 };
    }
}
