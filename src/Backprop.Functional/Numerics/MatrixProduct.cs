using System.Runtime.CompilerServices;
using Backprop.Functional.Numerics.Gemm;
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
/// (threads over blocks, SIMD lanes over rows) but never reorder one element's sum. Without a
/// <see cref="ComputeContext"/> a product runs on the calling thread with packing buffers of its
/// own; with one, big products use up to <see cref="ComputeContext.Threads"/> threads and the
/// context's buffers. Both give the same bits.
/// </remarks>
public static class MatrixProduct
{
    /// <summary>A·B, in <paramref name="compute"/> (without one, on the calling thread).</summary>
    public static Matrix<double> Multiply(Matrix<double> a, Matrix<double> b, ComputeContext? compute = null) =>
        Product(View(a), View(b), compute);

    /// <summary>A·Bᵀ, in <paramref name="compute"/> (without one, on the calling thread).</summary>
    public static Matrix<double> MultiplyByTransposeOf(Matrix<double> a, Matrix<double> b, ComputeContext? compute = null) =>
        Product(View(a), View(b).Transposed, compute);

    /// <summary>Aᵀ·B, in <paramref name="compute"/> (without one, on the calling thread).</summary>
    public static Matrix<double> TransposeOfMultiply(Matrix<double> a, Matrix<double> b, ComputeContext? compute = null) =>
        Product(View(a).Transposed, View(b), compute);

    /// <summary>
    /// Fills the column-major <paramref name="c"/> (a.Rows × b.Columns) with a·b, writing every
    /// element: on up to <paramref name="compute"/>'s threads with its packing buffers, or without
    /// a context on the calling thread with buffers of its own. <paramref name="c"/> must not
    /// share storage with either operand's array.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Compute(MatrixView a, MatrixView b, Span<double> c, ComputeContext? compute = null)
    {
        var scratch = compute?.Borrow() ?? ComputeContext.Fresh();
        try
        {
            Compute(a, b, c, scratch.Products);
        }
        finally
        {
            compute?.Return(scratch);
        }
    }

    /// <summary>a·b on <paramref name="workers"/>' threads and buffers (the fused step's, which it holds for the whole step).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Compute(MatrixView a, MatrixView b, Span<double> c, GemmWorkers workers)
    {
        if (a.Columns != b.Rows) throw new ArgumentException($"inner dimensions differ: {a.Rows}x{a.Columns} · {b.Rows}x{b.Columns}");
        if (c.Length < a.Rows * b.Columns) throw new ArgumentException("output is too small");
        GemmKernel.Compute(a, b, c, workers);
    }

    private static MatrixView View(Matrix<double> m) => MatrixView.ColumnMajor(Dense.Data(m), m.RowCount, m.ColumnCount);

    private static Matrix<double> Product(MatrixView a, MatrixView b, ComputeContext? compute)
    {
        // The kernel writes every element, so zeroing the array first would be wasted work.
        var c = GC.AllocateUninitializedArray<double>(a.Rows * b.Columns);
        Compute(a, b, c, compute);
        return Dense.Matrix(a.Rows, b.Columns, c);
    }
}
