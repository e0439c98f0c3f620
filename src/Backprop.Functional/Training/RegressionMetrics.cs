namespace Backprop.Functional;

/// <summary>Root mean squared error, mean absolute error and R² of predictions against targets, as pure functions.</summary>
/// <param name="RootMeanSquaredError">√(mean((h − y)²)) over every output of every row. With the mse loss L = ½·mean((h − y)²) on the same values, this is √(2L).</param>
/// <param name="MeanAbsoluteError">mean(|h − y|) over every output of every row.</param>
/// <param name="RSquared">
/// The coefficient of determination 1 − Σ(y − h)² / Σ(y − ȳ)², ȳ the evaluated rows' own mean,
/// per target column and then averaged over the columns (scikit-learn's <c>r2_score</c> with
/// <c>multioutput="uniform_average"</c>). Predicting ȳ gives 0, perfect predictions 1, worse than ȳ
/// a negative value. For a column whose targets are all equal it is 1 when every prediction is
/// exact and 0 otherwise (scikit-learn's <c>force_finite</c>).
/// </param>
public sealed record RegressionMetrics(double RootMeanSquaredError, double MeanAbsoluteError, double RSquared)
{
    /// <summary>
    /// The metrics of predictions <paramref name="h"/> against targets <paramref name="y"/>, both
    /// column-major with <paramref name="rows"/> rows (the squares and absolute values are added in
    /// storage order, as the mse loss adds them).
    /// </summary>
    public static RegressionMetrics Of(ReadOnlySpan<double> h, ReadOnlySpan<double> y, int rows)
    {
        if (h.Length != y.Length) throw new ArgumentException($"{h.Length} predictions for {y.Length} targets");
        var (squares, absolutes) = (0.0, 0.0);
        for (var i = 0; i < y.Length; i++)
        {
            var d = h[i] - y[i];
            squares += d * d;
            absolutes += Math.Abs(d);
        }
        var columns = rows == 0 ? 0 : y.Length / rows;
        var r2 = 0.0;
        for (var c = 0; c < columns; c++) r2 += RSquaredOf(h.Slice(c * rows, rows), y.Slice(c * rows, rows));
        // No columns: 0/0, NaN.
        return new RegressionMetrics(Math.Sqrt(squares / y.Length), absolutes / y.Length, r2 / columns);
    }

    /// <summary>R² of one target column.</summary>
    public static double RSquaredOf(ReadOnlySpan<double> h, ReadOnlySpan<double> y)
    {
        var mean = MeanOf(y);
        var (residual, total) = (0.0, 0.0);
        for (var r = 0; r < y.Length; r++)
        {
            var (e, t) = (h[r] - y[r], mean - y[r]);
            residual += e * e;
            total += t * t;
        }
        return RSquaredFrom(residual, total);
    }

    /// <summary>The mean of a target column, its values added in row order.</summary>
    internal static double MeanOf(ReadOnlySpan<double> y)
    {
        var mean = 0.0;
        foreach (var v in y) mean += v;
        return mean / y.Length;
    }

    /// <summary>R² from Σ(y − h)² and Σ(y − ȳ)² of one column (1 or 0 for a constant column, exact or not).</summary>
    internal static double RSquaredFrom(double residual, double total) =>
        total == 0 ? (residual == 0 ? 1 : 0) : 1 - residual / total;
}
