using Backprop.Functional.Numerics;
using LanguageExt;
using MathNet.Numerics.LinearAlgebra;
using Lanes = System.Numerics.Vector<double>;

namespace Backprop.Functional;

/// <summary>
/// Per-column (x − mean) / std, fitted on training rows only and stored in the state so the
/// same transform is applied at prediction time. Constant columns get std 1 (left centred).
/// Features use it on the way in; regression targets too, and <see cref="Invert"/> maps the
/// network's outputs back to the targets' own units.
/// </summary>
public sealed record Standardization(Arr<double> Means, Arr<double> Stds)
{
    /// <summary>Fits means and population standard deviations column by column, summing in row order.</summary>
    public static Standardization Fit(Matrix<double> inputs)
    {
        var (rows, columns) = (inputs.RowCount, inputs.ColumnCount);
        var data = Dense.Data(inputs);
        var means = new double[columns];
        var stds = new double[columns];
        for (var c = 0; c < columns; c++)
        {
            var column = data.AsSpan(c * rows, rows);
            var sum = 0.0;
            foreach (var v in column) sum += v;
            var mean = sum / rows;
            var squares = 0.0;
            foreach (var v in column) squares += (v - mean) * (v - mean);
            var std = Math.Sqrt(squares / rows);
            (means[c], stds[c]) = (mean, std > 0 ? std : 1.0);
        }
        return new Standardization(means.ToArr(), stds.ToArr());
    }

    /// <summary>The standardized copy of <paramref name="inputs"/>.</summary>
    public Matrix<double> Apply(Matrix<double> inputs)
    {
        if (inputs.ColumnCount != Means.Count) throw new ArgumentException($"standardization has {Means.Count} features, inputs have {inputs.ColumnCount}");
        var rows = inputs.RowCount;
        var source = Dense.Data(inputs);
        // Every element is written below: no need to zero a copy the size of the data set first.
        var result = GC.AllocateUninitializedArray<double>(source.Length);
        for (var c = 0; c < Means.Count; c++)
            Standardize(source.AsSpan(c * rows, rows), Means[c], Stds[c], result.AsSpan(c * rows, rows));
        return Dense.Matrix(rows, inputs.ColumnCount, result);
    }

    /// <summary>
    /// (x − mean) / std over one column, several lanes at a time: a vector's subtraction and division
    /// are the scalar ones lane by lane (IEEE 754), so the bits are those of the plain loop.
    /// </summary>
    private static void Standardize(ReadOnlySpan<double> column, double mean, double std, Span<double> into)
    {
        var i = 0;
        if (System.Numerics.Vector.IsHardwareAccelerated)
        {
            var (means, stds) = (new Lanes(mean), new Lanes(std));
            for (; i <= column.Length - Lanes.Count; i += Lanes.Count)
                ((new Lanes(column[i..]) - means) / stds).CopyTo(into[i..]);
        }
        for (; i < column.Length; i++) into[i] = (column[i] - mean) / std;
    }

    /// <summary>The inverse of <see cref="Apply"/>: z · std + mean, column by column (standardized values back in their own units).</summary>
    public Matrix<double> Invert(Matrix<double> standardized)
    {
        if (standardized.ColumnCount != Means.Count) throw new ArgumentException($"standardization has {Means.Count} columns, the values have {standardized.ColumnCount}");
        var result = new double[standardized.RowCount * standardized.ColumnCount];
        InvertInto(Dense.Data(standardized), standardized.RowCount, result);
        return Dense.Matrix(standardized.RowCount, standardized.ColumnCount, result);
    }

    /// <summary><see cref="Invert(Matrix{double})"/> of the column-major <paramref name="standardized"/> (<paramref name="rows"/> × the columns) into <paramref name="result"/>.</summary>
    public void InvertInto(ReadOnlySpan<double> standardized, int rows, Span<double> result)
    {
        if (standardized.Length != rows * Means.Count || result.Length < standardized.Length)
            throw new ArgumentException($"standardization has {Means.Count} columns, the values are {standardized.Length} for {rows} rows");
        for (var c = 0; c < Means.Count; c++)
            for (var r = 0; r < rows; r++)
                result[c * rows + r] = standardized[c * rows + r] * Stds[c] + Means[c];
    }
}
