using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Backprop.Functional.Numerics.Gemm;

/// <summary>Unchecked element access for views whose extent <see cref="GemmKernel"/> has already checked.</summary>
internal static class Operand
{
    /// <summary>A reference to element (0, 0).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ref double Origin(this MatrixView view) =>
        ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(view.Data), view.Offset);

    /// <summary>A reference to element (i, j).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ref double At(this MatrixView view, nint i, nint j) =>
        ref Unsafe.Add(ref view.Origin(), i * view.RowStride + j * view.ColumnStride);

    /// <summary>True when every element the view names lies inside its array (an empty view always does).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool FitsItsData(this MatrixView view)
    {
        if (view.Rows < 0 || view.Columns < 0) return false;
        if (view.Rows == 0 || view.Columns == 0) return true;
        var rowReach = (long)(view.Rows - 1) * view.RowStride;
        var columnReach = (long)(view.Columns - 1) * view.ColumnStride;
        var lowest = view.Offset + Math.Min(0, rowReach) + Math.Min(0, columnReach);
        var highest = view.Offset + Math.Max(0, rowReach) + Math.Max(0, columnReach);
        return lowest >= 0 && highest < view.Data.Length;
    }
}
