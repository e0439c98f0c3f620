using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Backprop.Functional.Tests;

/// <summary>A sum of terms that arrive a batch of rows at a time has the bits of the column-major sum of the whole matrix.</summary>
public sealed class StorageOrderSumTests
{
    /// <summary>1–6 columns, 1–30 rows of terms spread over many magnitudes (so the order of addition shows), and a batch size.</summary>
    public static class Terms
    {
        public static Arbitrary<(double[][] Columns, int Batch)> Cases() =>
            (from columns in Gen.Choose(1, 6)
             from rows in Gen.Choose(1, 30)
             from values in Gen.ArrayOf(Gen.ArrayOf(
                 from mantissa in Gen.Choose(-1_000_000, 1_000_000)
                 from exponent in Gen.Choose(-20, 20)
                 select mantissa * Math.Pow(10, exponent), rows), columns)
             from batch in Gen.Choose(1, rows)
             select (values, batch)).ToArbitrary();
    }

    [Property(MaxTest = 300, Arbitrary = [typeof(Terms)])]
    public bool Batches_of_rows_give_the_bits_of_the_storage_order_sum((double[][] Columns, int Batch) c)
    {
        var (columns, rows) = (c.Columns.Length, c.Columns[0].Length);
        var sum = new StorageOrderSum(rows, columns);
        for (var start = 0; start < rows; start += c.Batch)
            // Within a batch the columns arrive last to first: only column 0 needs its rows in order.
            for (var k = columns - 1; k >= 0; k--)
                for (var r = start; r < Math.Min(rows, start + c.Batch); r++)
                    sum.Add(r, k, c.Columns[k][r]);
        var expected = 0.0;
        foreach (var column in c.Columns)
            foreach (var term in column) expected += term;
        return BitConverter.DoubleToInt64Bits(sum.Total()) == BitConverter.DoubleToInt64Bits(expected);
    }

    /// <summary>A matrix of no columns has no terms: its sum is +0, whatever its rows.</summary>
    [Fact]
    public void A_sum_over_no_columns_is_positive_zero() =>
        Assert.Equal(0L, BitConverter.DoubleToInt64Bits(new StorageOrderSum(5, 0).Total()));
}
