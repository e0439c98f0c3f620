using System.Runtime.Intrinsics;
using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.LinearAlgebra.Double;

namespace Backprop.Functional.Numerics;

/// <summary>
/// Access to MathNet's dense storage without copying. Every matrix the core makes is a
/// <see cref="DenseMatrix"/> (column-major); kernels read and fill its array directly.
/// </summary>
public static class Dense
{
    /// <summary>Wraps a column-major array as a matrix without copying it. The array must not be written afterwards.</summary>
    public static Matrix<double> Matrix(int rows, int columns, double[] columnMajor) =>
        new DenseMatrix(rows, columns, columnMajor);

    /// <summary>Wraps an array as a vector without copying it. The array must not be written afterwards.</summary>
    public static Vector<double> Vector(double[] values) => new DenseVector(values);

    /// <summary>The column-major storage of a dense matrix (a copy only for non-dense inputs).</summary>
    public static double[] Data(Matrix<double> matrix) =>
        matrix.AsColumnMajorArray() ?? matrix.ToColumnMajorArray();

    /// <summary>The storage of a dense vector (a copy only for non-dense inputs).</summary>
    public static double[] Data(Vector<double> vector) => vector.AsArray() ?? vector.ToArray();

    /// <summary>Builds a matrix from row-major values (the order safetensors and CSV use).</summary>
    public static Matrix<double> FromRowMajor(int rows, int columns, ReadOnlySpan<double> rowMajor)
    {
        var data = new double[rows * columns];
        for (var r = 0; r < rows; r++)
            for (var c = 0; c < columns; c++)
                data[c * rows + r] = rowMajor[r * columns + c];
        return Matrix(rows, columns, data);
    }

    /// <summary>The matrix's values in row-major order.</summary>
    public static double[] ToRowMajor(Matrix<double> matrix)
    {
        var data = Data(matrix);
        var (rows, columns) = (matrix.RowCount, matrix.ColumnCount);
        var result = new double[rows * columns];
        for (var r = 0; r < rows; r++)
            for (var c = 0; c < columns; c++)
                result[r * columns + c] = data[c * rows + r];
        return result;
    }

    /// <summary>True when both matrices have the same shape and the same bits in every element.</summary>
    public static bool BitEqual(Matrix<double> a, Matrix<double> b) =>
        a.RowCount == b.RowCount && a.ColumnCount == b.ColumnCount && BitEqual(Data(a), Data(b));

    /// <summary>True when both vectors have the same length and the same bits in every element.</summary>
    public static bool BitEqual(Vector<double> a, Vector<double> b) => BitEqual(Data(a), Data(b));

    /// <summary>True when both spans hold the same bits (NaN payloads and signed zeros included).</summary>
    public static bool BitEqual(ReadOnlySpan<double> a, ReadOnlySpan<double> b) =>
        System.Runtime.InteropServices.MemoryMarshal.AsBytes(a).SequenceEqual(System.Runtime.InteropServices.MemoryMarshal.AsBytes(b));

    /// <summary>a + b element by element, in a new array (four lanes at a time: the same IEEE additions as one at a time).</summary>
    internal static double[] Sum(double[] a, double[] b)
    {
        if (a.Length != b.Length) throw new ArgumentException($"the arrays hold {a.Length} and {b.Length} values");
        var sum = GC.AllocateUninitializedArray<double>(a.Length);
        var i = 0;
        for (; i + 4 <= a.Length; i += 4)
            (Vector256.Create(a.AsSpan(i, 4)) + Vector256.Create(b.AsSpan(i, 4))).CopyTo(sum.AsSpan(i, 4));
        for (; i < a.Length; i++) sum[i] = a[i] + b[i];
        return sum;
    }
}
