using Backprop.Functional.Fast;
using Backprop.Functional.Tests.Support;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Backprop.Functional.Tests.Fast;

/// <summary>
/// The fused step's bias gradient: each column of δ added in row order from +0, whatever the
/// number of rows (four at a time in vector lanes, or one) and of columns (four side by side, or one).
/// </summary>
public sealed class ColumnSumsTests
{
    /// <summary>Column j's values added one after the other from +0.0: the definition.</summary>
    private static double[] InRowOrder(double[] m, int rows, int columns)
    {
        var sums = new double[columns];
        for (var j = 0; j < columns; j++)
        {
            var sum = 0.0;
            for (var r = 0; r < rows; r++) sum += m[j * rows + r];
            sums[j] = sum;
        }
        return sums;
    }

    [Property(MaxTest = 400)]
    public Property Every_column_is_summed_in_row_order_and_values_past_the_matrix_are_not_read()
    {
        // Values of mixed magnitude, so that another order of additions rounds differently; and
        // −0.0, whose sum in order from +0 is +0.
        var value = Gen.Frequency(
            (6, Gen.Choose(-1000, 1000).Select(i => i / 7.0)),
            (2, Gen.Elements(1e16, -1e16, 3.0, 1e-3)),
            (1, Gen.Constant(-0.0)));
        var cases = from rows in Gen.Choose(0, 13)
                    from columns in Gen.Choose(0, 10)
                    from extra in Gen.Choose(0, 5)
                    from m in value.ArrayOf(rows * columns + extra)
                    select (rows, columns, m);
        return Prop.ForAll(cases.ToArbitrary(), c =>
        {
            var sums = Enumerable.Repeat(12345.678, c.columns).ToArray();
            ColumnSums.Of(c.m, c.rows, sums);
            var expected = InRowOrder(c.m, c.rows, c.columns);
            return Bits.Same(expected, sums).Label($"{c.rows}×{c.columns}: [{string.Join(", ", sums)}], expected [{string.Join(", ", expected)}]");
        });
    }

    [Fact]
    public void A_matrix_shorter_than_its_rows_times_columns_is_refused()
    {
        var refusal = Assert.Throws<ArgumentException>(() => ColumnSums.Of(new double[11], 4, new double[3]));
        Assert.Equal("the matrix holds 11 values, fewer than 4 rows × 3 columns", refusal.Message);
    }
}
