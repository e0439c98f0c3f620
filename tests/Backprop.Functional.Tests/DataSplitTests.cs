using Backprop.Functional.Numerics;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Backprop.Functional.Tests;

/// <summary>
/// <see cref="DataSplit.Create"/>: every row lands in exactly one part, the parts' sizes are the
/// rounded fractions, and which rows go where is the generator's permutation (test rows first,
/// then validation, then training).
/// </summary>
public sealed class DataSplitTests
{
    /// <summary>A data set whose row i has input i (and target −i), so that a part's rows name themselves.</summary>
    private static Dataset Numbered(int rows) =>
        new(Dense.Matrix(rows, 1, [.. Enumerable.Range(0, rows).Select(i => (double)i)]),
            Dense.Matrix(rows, 1, [.. Enumerable.Range(0, rows).Select(i => -(double)i)]));

    private static int[] RowsOf(Dataset? part) =>
        part is null ? [] : [.. Dense.Data(part.Inputs).Select(v => (int)v)];

    /// <summary>Row counts 1–60 and fractions in tenths (or hundredths) that leave room for training rows.</summary>
    public static class Splits
    {
        public static Arbitrary<(int Rows, double Validation, double Test, ulong Seed)> Cases() => Arb.From(
            from rows in Gen.Choose(1, 60)
            from validation in Gen.Choose(0, 40)
            from test in Gen.Choose(0, 40)
            from seed in Gen.Choose(0, int.MaxValue)
            select (rows, validation / 100.0, test / 100.0, (ulong)seed));
    }

    [Property(MaxTest = 300, Arbitrary = [typeof(Splits)])]
    public Property The_parts_take_every_row_once_in_the_permutation_s_order((int Rows, double Validation, double Test, ulong Seed) c)
    {
        var data = Numbered(c.Rows);
        var split = DataSplit.Create(data, c.Validation, c.Test, Rng.FromSeed(c.Seed));
        var (train, validation, test) = (RowsOf(split.Train), RowsOf(split.Validation), RowsOf(split.Test));
        var testRows = (int)Math.Round(c.Rows * c.Test);
        var validationRows = (int)Math.Round(c.Rows * c.Validation);
        int[] expected = c.Validation == 0 && c.Test == 0
            ? [.. Enumerable.Range(0, c.Rows)]
            : Rng.FromSeed(c.Seed).Permutation(c.Rows).Permutation.ToArray();
        // Targets travel with their inputs.
        var targetsFollow = Dense.Data(split.Train.Targets).SequenceEqual(train.Select(i => -(double)i));
        return (test.Length == testRows && validation.Length == validationRows && train.Length == c.Rows - testRows - validationRows
                && (validation.Length == 0) == (split.Validation is null) && (test.Length == 0) == (split.Test is null)
                && test.Concat(validation).Concat(train).SequenceEqual(expected) && targetsFollow)
            .Label($"train [{string.Join(",", train)}], validation [{string.Join(",", validation)}], test [{string.Join(",", test)}], expected order [{string.Join(",", expected)}]");
    }

    [Fact]
    public void Without_validation_or_test_rows_the_data_set_is_returned_as_it_is()
    {
        var data = Numbered(7);
        var split = DataSplit.Create(data, 0, 0, Rng.FromSeed(3));
        Assert.Same(data, split.Train);
        Assert.Null(split.Validation);
        Assert.Null(split.Test);
    }

    [Fact]
    public void Sizes_round_half_to_even_and_a_test_fraction_alone_still_shuffles()
    {
        // 10 rows: 25% test is 2.5 rows, rounded to 2; 15% validation is 1.5, rounded to 2.
        var split = DataSplit.Create(Numbered(10), 0.15, 0.25, Rng.FromSeed(11));
        Assert.Equal((6, 2, 2), (split.Train.Rows, split.Validation!.Rows, split.Test!.Rows));
        // A test fraction alone shuffles too: the rows are not left in file order.
        var testOnly = DataSplit.Create(Numbered(10), 0, 0.3, Rng.FromSeed(11));
        Assert.Null(testOnly.Validation);
        Assert.Equal(Rng.FromSeed(11).Permutation(10).Permutation.ToArray()[3..], RowsOf(testOnly.Train));
    }
}
