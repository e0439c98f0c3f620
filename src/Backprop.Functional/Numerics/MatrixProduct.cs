using System.Runtime.CompilerServices;
using MathNet.Numerics.LinearAlgebra;

namespace Backprop.Functional.Numerics;

/// <summary>
/// Matrix products with one fixed meaning for every output element:
/// <c>C[i,j]</c> is the fused multiply-add chain <c>acc = fma(A[i,k], B[k,j], acc)</c> over
/// k = 0, 1, …, K−1 starting from +0.0.
/// </summary>
/// <remarks>
/// Fixing the order of each element's own reduction is what makes training bit-identical
/// whatever the thread count or vector width: kernels may split work across output elements
/// (threads over blocks, SIMD lanes over rows) but never reorder one element's sum.
/// </remarks>
public static class MatrixProduct
{
    /// <summary>A·B.</summary>
    public static Matrix<double> Multiply(Matrix<double> a, Matrix<double> b) =>
        Product(View(a), View(b));

    /// <summary>A·Bᵀ.</summary>
    public static Matrix<double> MultiplyByTransposeOf(Matrix<double> a, Matrix<double> b) =>
        Product(View(a), View(b).Transposed);

    /// <summary>Aᵀ·B.</summary>
    public static Matrix<double> TransposeOfMultiply(Matrix<double> a, Matrix<double> b) =>
        Product(View(a).Transposed, View(b));

    /// <summary>
    /// Fills the column-major <paramref name="c"/> (a.Rows × b.Columns) with a·b, writing every
    /// element. <paramref name="c"/> must not share storage with either operand's array.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Compute(MatrixView a, MatrixView b, Span<double> c)
    {
        if (a.Columns != b.Rows) throw new ArgumentException($"inner dimensions differ: {a.Rows}x{a.Columns} · {b.Rows}x{b.Columns}");
        if (c.Length < a.Rows * b.Columns) throw new ArgumentException("output is too small");
        GemmKernel.Compute(a, b, c);
    }

    private static MatrixView View(Matrix<double> m) => MatrixView.ColumnMajor(Dense.Data(m), m.RowCount, m.ColumnCount);

    private static Matrix<double> Product(MatrixView a, MatrixView b)
    {
        // The kernel writes every element, so zeroing the array first would be wasted work.
        var c = GC.AllocateUninitializedArray<double>(a.Rows * b.Columns);
        Compute(a, b, c);
        return Dense.Matrix(a.Rows, b.Columns, c);
    }
}
