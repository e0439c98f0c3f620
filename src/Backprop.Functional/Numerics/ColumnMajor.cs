using MathNet.Numerics.LinearAlgebra;

namespace Backprop.Functional.Numerics;

/// <summary>
/// A rows × columns matrix read in place from column-major storage: element [r, c] is
/// value c·rows + r, and [i] walks the storage in order. A loss or softmax written over it
/// runs unchanged on the reference path's matrices and on the fused step's buffers.
/// </summary>
public readonly ref struct ColumnMajor
{
    private readonly ReadOnlySpan<double> values;

    /// <summary>The first rows × (values.Length / rows) values seen as a matrix.</summary>
    public ColumnMajor(ReadOnlySpan<double> values, int rows)
    {
        this.values = values;
        Rows = rows;
    }

    /// <summary>A matrix's own storage.</summary>
    public static ColumnMajor Of(Matrix<double> matrix) => new(Dense.Data(matrix), matrix.RowCount);

    /// <summary>The number of rows.</summary>
    public int Rows { get; }

    /// <summary>The number of columns.</summary>
    public int Columns => values.Length / Rows;

    /// <summary>The number of elements.</summary>
    public int Count => values.Length;

    /// <summary>Element [r, c].</summary>
    public double this[int r, int c] => values[c * Rows + r];

    /// <summary>Element i in storage order.</summary>
    public double this[int i] => values[i];
}

/// <summary>A rows × columns matrix written in place to column-major storage, as <see cref="ColumnMajor"/> reads it.</summary>
public readonly ref struct WritableColumnMajor
{
    private readonly Span<double> values;

    /// <summary>The values seen as a matrix of <paramref name="rows"/> rows.</summary>
    public WritableColumnMajor(Span<double> values, int rows)
    {
        this.values = values;
        Rows = rows;
    }

    /// <summary>The number of rows.</summary>
    public int Rows { get; }

    /// <summary>The number of columns.</summary>
    public int Columns => values.Length / Rows;

    /// <summary>The number of elements.</summary>
    public int Count => values.Length;

    /// <summary>Element [r, c].</summary>
    public ref double this[int r, int c] => ref values[c * Rows + r];

    /// <summary>Element i in storage order.</summary>
    public ref double this[int i] => ref values[i];
}
