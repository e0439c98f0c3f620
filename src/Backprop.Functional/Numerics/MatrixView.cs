namespace Backprop.Functional.Numerics;

/// <summary>
/// A read-only strided window on a column-major array: element (i, j) is
/// <c>Data[Offset + i·RowStride + j·ColumnStride]</c>. A transpose is the same data with the
/// strides swapped, so the product kernels never copy to transpose.
/// </summary>
public readonly record struct MatrixView(double[] Data, int Offset, int Rows, int Columns, int RowStride, int ColumnStride)
{
    /// <summary>A column-major rows × columns array seen as a matrix.</summary>
    public static MatrixView ColumnMajor(double[] data, int rows, int columns) =>
        new(data, 0, rows, columns, 1, rows);

    /// <summary>The same data seen transposed.</summary>
    public MatrixView Transposed => new(Data, Offset, Columns, Rows, ColumnStride, RowStride);

    /// <summary>Columns [<paramref name="start"/>, <paramref name="start"/> + <paramref name="count"/>) of the matrix.</summary>
    public MatrixView ColumnRange(int start, int count) => this with { Offset = Offset + start * ColumnStride, Columns = count };

    /// <summary>Element (i, j).</summary>
    public double this[int i, int j] => Data[Offset + i * RowStride + j * ColumnStride];

    /// <summary>
    /// The shape and layout, e.g. "3×2 view at 1, strides (4, -1), of 10 doubles". Written out because
    /// the record's own would print <see cref="Transposed"/>, whose own prints its transpose, without end.
    /// </summary>
    public override string ToString() =>
        $"{Rows}×{Columns} view at {Offset}, strides ({RowStride}, {ColumnStride}), of {Data?.Length ?? 0} doubles";
}
