namespace Backprop.Functional.Numerics;

/// <summary>
/// The definition of <see cref="MatrixProduct"/> written as plainly as possible: one fused
/// multiply-add chain per output element, in k order. Every fast kernel must match it bit for bit.
/// </summary>
public static class ReferenceGemm
{
    /// <summary>Fills the column-major <paramref name="c"/> with a·b, one element at a time.</summary>
    public static void Compute(MatrixView a, MatrixView b, Span<double> c)
    {
        var m = a.Rows;
        for (var j = 0; j < b.Columns; j++)
            for (var i = 0; i < m; i++)
            {
                var acc = 0.0;
                for (var k = 0; k < a.Columns; k++) acc = Math.FusedMultiplyAdd(a[i, k], b[k, j], acc);
                c[j * m + i] = acc;
            }
    }
}
