using Backprop.Functional.Numerics;
using Backprop.Functional.Tests.Support;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Backprop.Functional.Tests;

/// <summary>Laws of <see cref="Standardization"/>: fitted columns have mean 0 and std 1, and Invert undoes Apply.</summary>
public sealed class StandardizationTests
{
    /// <summary>Matrices of 2–12 rows and 1–4 columns of values in the hundreds of thousands, some columns constant.</summary>
    public static class Columns
    {
        public static Arbitrary<double[][]> Matrices() => Arb.From(
            from columns in Gen.Choose(1, 4)
            from rows in Gen.Choose(2, 12)
            from values in Gen.ArrayOf(
                Gen.OneOf(
                    Gen.ArrayOf(Gen.Choose(-1_000_000, 1_000_000).Select(v => v * 0.37), rows),
                    Gen.Choose(-1000, 1000).Select(v => Enumerable.Repeat(v * 250.0, rows).ToArray())),
                columns)
            select values);
    }

    private static MathNet.Numerics.LinearAlgebra.Matrix<double> Matrix(double[][] columns) =>
        Dense.Matrix(columns[0].Length, columns.Length, columns.SelectMany(c => c).ToArray());

    [Property(MaxTest = 300, Arbitrary = [typeof(Columns)])]
    public Property Apply_is_the_scalar_formula_element_by_element_bit_for_bit(double[][] columns)
    {
        // Columns of 2-12 rows: a vector's worth of lanes and a scalar tail, or the tail alone.
        var inputs = Matrix(columns);
        var standardization = Standardization.Fit(inputs);
        var applied = Dense.Data(standardization.Apply(inputs));
        var rows = columns[0].Length;
        return Enumerable.Range(0, applied.Length).All(i =>
            BitConverter.DoubleToInt64Bits(applied[i]) ==
            BitConverter.DoubleToInt64Bits((columns[i / rows][i % rows] - standardization.Means[i / rows]) / standardization.Stds[i / rows])).ToProperty();
    }

    [Property(MaxTest = 300, Arbitrary = [typeof(Columns)])]
    public Property Invert_undoes_Apply_to_within_rounding(double[][] columns)
    {
        var x = Matrix(columns);
        var s = Standardization.Fit(x);
        var back = Dense.Data(s.Invert(s.Apply(x)));
        var original = Dense.Data(x);
        var scale = original.Max(Math.Abs) + 1;
        return original.Select((v, i) => Math.Abs(v - back[i]) <= 1e-12 * scale).All(ok => ok).Label(string.Join(", ", back));
    }

    [Property(MaxTest = 300, Arbitrary = [typeof(Columns)])]
    public Property Fitted_columns_are_centred_with_unit_spread_unless_constant(double[][] columns)
    {
        var x = Matrix(columns);
        var z = Standardization.Fit(x).Apply(x);
        var rows = x.RowCount;
        return Enumerable.Range(0, x.ColumnCount).All(c =>
        {
            var column = Dense.Data(z).AsSpan(c * rows, rows).ToArray();
            var mean = column.Average();
            var spread = Math.Sqrt(column.Average(v => (v - mean) * (v - mean)));
            return Math.Abs(mean) <= 1e-9 && (columns[c].Distinct().Count() == 1 ? spread == 0 : Math.Abs(spread - 1) <= 1e-9);
        }).ToProperty();
    }

    [Property(MaxTest = 300, Arbitrary = [typeof(Columns)])]
    public Property Fit_is_the_population_mean_and_std_summed_in_row_order_bit_for_bit(double[][] columns)
    {
        var s = Standardization.Fit(Matrix(columns));
        return Enumerable.Range(0, columns.Length).All(c =>
        {
            var (mean, squares) = (0.0, 0.0);
            foreach (var v in columns[c]) mean += v;
            mean /= columns[c].Length;
            foreach (var v in columns[c]) squares += (v - mean) * (v - mean);
            var std = Math.Sqrt(squares / columns[c].Length);
            return Bits.Same(s.Means[c], mean) && Bits.Same(s.Stds[c], std > 0 ? std : 1);
        }).ToProperty();
    }

    [Fact]
    public void The_spread_of_values_far_from_zero_is_computed_about_their_mean()
    {
        // Σv² − n·mean² loses every digit here (v² ≈ 1e18, whose spacing is 128); Σ(v − mean)² does not.
        var s = Standardization.Fit(Dense.Matrix(3, 1, [1e9 + 1, 1e9 + 2, 1e9 + 3]));
        Assert.Equal(1e9 + 2, s.Means[0]);
        Assert.Equal(Math.Sqrt(2.0 / 3), s.Stds[0]);
    }

    [Fact]
    public void Values_of_the_wrong_width_are_refused_by_name()
    {
        var s = Standardization.Fit(Dense.Matrix(2, 3, [1, 2, 3, 4, 5, 6]));
        Assert.Equal("standardization has 3 features, inputs have 2", Assert.Throws<ArgumentException>(() => s.Apply(Dense.Matrix(2, 2, new double[4]))).Message);
        Assert.Equal("standardization has 3 columns, the values have 4", Assert.Throws<ArgumentException>(() => s.Invert(Dense.Matrix(1, 4, new double[4]))).Message);
        Assert.Equal("standardization has 3 columns, the values are 5 for 2 rows",
            Assert.Throws<ArgumentException>(() => s.InvertInto(new double[5], 2, new double[6])).Message);
        Assert.Equal("standardization has 3 columns, the values are 6 for 2 rows",
            Assert.Throws<ArgumentException>(() => s.InvertInto(new double[6], 2, new double[5])).Message);
        var into = new double[7];
        s.InvertInto(new double[6], 2, into);
        Assert.Equal([1.5, 1.5, 3.5, 3.5, 5.5, 5.5, 0], into);
    }
}
