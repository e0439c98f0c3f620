using Backprop.Functional.Numerics;
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
}
