using System.Runtime.CompilerServices;

namespace Backprop.Functional.Numerics.Gemm;

/// <summary>
/// Products of depth one (a weight gradient from a batch of one sample): every output is the
/// one-step chain <c>fma(A[i,0], B[0,j], +0.0)</c>, written column by column of C.
/// </summary>
internal static class OuterProduct
{
    /// <summary>C[i, j] for every i &lt; rows, j &lt; columns; C is column-major with leading dimension A.Rows. A strided column of A is gathered into <paramref name="buffers"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run<TLanes>(MatrixView a, MatrixView b, ref double c, PackingBuffers buffers)
        where TLanes : struct, ILanes<TLanes>
    {
        var (rows, columns) = (a.Rows, b.Columns);
        ref var column = ref a.Origin();
        if (a.RowStride != 1)
        {
            // Gather A's column once so that every column of C is a run of vector operations.
            ref var gathered = ref buffers.Rows(rows);
            for (var i = 0; i < rows; i++) Unsafe.Add(ref gathered, i) = a.At(i, 0);
            column = ref gathered;
        }
        nint w = TLanes.Count;
        nint vectorRows = rows - rows % (int)w;
        ref var row = ref b.Origin();
        nint rowStride = b.ColumnStride;
        for (nint j = 0; j < columns; j++)
        {
            var bj = Unsafe.Add(ref row, j * rowStride);
            var broadcast = (TLanes)bj;
            ref var output = ref Unsafe.Add(ref c, j * rows);
            for (nint i = 0; i < vectorRows; i += w)
                TLanes.Store(TLanes.MultiplyAdd(TLanes.Load(ref column, i), broadcast, TLanes.Zero), ref output, i);
            for (var i = vectorRows; i < rows; i++)
                Unsafe.Add(ref output, i) = Math.FusedMultiplyAdd(Unsafe.Add(ref column, i), bj, 0.0);
        }
    }
}
