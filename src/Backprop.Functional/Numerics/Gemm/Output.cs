using System.Runtime.CompilerServices;

namespace Backprop.Functional.Numerics.Gemm;

/// <summary>
/// Where a product's elements go: element (i, j) at <c>Origin + i·RowStride + j·ColumnStride</c>.
/// A pointer rather than a span so that worker threads can share it while the caller keeps
/// the span pinned.
/// </summary>
internal readonly unsafe struct Output(double* origin, nint rowStride, nint columnStride)
{
    public nint RowStride => rowStride;

    public nint ColumnStride => columnStride;

    /// <summary>The same elements seen transposed.</summary>
    public Output Transposed => new(origin, columnStride, rowStride);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ref double At(nint i, nint j) => ref Unsafe.AsRef<double>(origin + i * rowStride + j * columnStride);
}
