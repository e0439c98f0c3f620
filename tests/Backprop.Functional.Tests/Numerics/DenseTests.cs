using System.Runtime.Intrinsics;
using Backprop.Functional.Numerics;

namespace Backprop.Functional.Tests.Numerics;

/// <summary>The storage helpers: no copy where none is needed, the two element orders, bit equality and shapes.</summary>
public sealed class DenseTests
{
    [Fact]
    public void A_dense_vector_and_matrix_hand_out_their_own_storage()
    {
        var values = new[] { 1.0, 2.0, 3.0, 4.0 };
        Assert.Same(values, Dense.Data(Dense.Vector(values)));
        Assert.Same(values, Dense.Data(Dense.Matrix(2, 2, values)));
    }

    [Fact]
    public void Row_major_values_become_a_column_major_matrix_and_back()
    {
        // [[1, 2, 3], [4, 5, 6]]: row-major 1…6, column-major 1, 4, 2, 5, 3, 6.
        double[] rowMajor = [1, 2, 3, 4, 5, 6];
        var matrix = Dense.FromRowMajor(2, 3, rowMajor);
        Assert.Equal([1.0, 4.0, 2.0, 5.0, 3.0, 6.0], Dense.Data(matrix));
        Assert.Equal(6.0, matrix[1, 2]);
        Assert.Equal(rowMajor, Dense.ToRowMajor(matrix));
        Assert.Equal([1.0, 3.0, 5.0, 2.0, 4.0, 6.0], Dense.ToRowMajor(Dense.Matrix(2, 3, [1, 2, 3, 4, 5, 6])));
    }

    [Fact]
    public void Matrices_are_bit_equal_only_in_the_same_shape_with_the_same_bits()
    {
        double[] values = [1, 2, 3, 4, 5, 6];
        Assert.True(Dense.BitEqual(Dense.Matrix(2, 3, values), Dense.Matrix(2, 3, [.. values])));
        Assert.False(Dense.BitEqual(Dense.Matrix(2, 3, values), Dense.Matrix(3, 2, values)));
        Assert.False(Dense.BitEqual(Dense.Matrix(2, 3, values), Dense.Matrix(2, 3, [1, 2, 3, 4, 5, -6])));
        Assert.False(Dense.BitEqual(Dense.Matrix(1, 1, [0.0]), Dense.Matrix(1, 1, [-0.0])));
    }

    [Fact]
    public void A_sum_of_arrays_of_different_lengths_is_refused()
    {
        Assert.Equal("the arrays hold 5 and 4 values", Assert.Throws<ArgumentException>(() => Dense.Sum(new double[5], new double[4])).Message);
        Assert.Equal([11.0, 22.0, 33.0, 44.0, 55.0], Dense.Sum([1, 2, 3, 4, 5], [10, 20, 30, 40, 50]));
    }

    [Fact]
    public void The_vector_width_named_is_the_widest_the_hardware_runs()
    {
        var expected = Vector512.IsHardwareAccelerated ? "Vector512" : Vector256.IsHardwareAccelerated ? "Vector256" : "scalar";
        Assert.Equal(expected, Hardware.VectorWidth);
    }

    [Fact]
    public void A_column_major_view_counts_its_rows_columns_and_elements()
    {
        var values = new double[] { 1, 2, 3, 4, 5, 6, 7 };
        var read = new ColumnMajor(values.AsSpan(0, 6), 2);
        var written = new WritableColumnMajor(values.AsSpan(0, 6), 3);
        Assert.Equal((2, 3, 6, 5.0), (read.Rows, read.Columns, read.Count, read[0, 2]));
        Assert.Equal((3, 2, 6, 6.0), (written.Rows, written.Columns, written.Count, written[2, 1]));
        written[0, 1] = 40;
        Assert.Equal(40.0, values[3]);
    }
}
