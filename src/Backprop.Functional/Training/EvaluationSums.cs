using Backprop.Functional.Numerics;
using LanguageExt;
using MathNet.Numerics.LinearAlgebra;

namespace Backprop.Functional;

/// <summary>
/// What an <see cref="Evaluation"/> adds up, fed the output layer a batch of rows at a time (in
/// row order) and adding every term in the order the whole-batch loss and metrics add it, so its
/// result has their bits: cross-entropy's sum runs in row order; mse's, binary cross-entropy's,
/// the squared and absolute errors' in storage order (<see cref="StorageOrderSum"/>); each R²
/// column's sums in row order against the column's mean, read from the targets first; the
/// confusion matrix counts rows. Made for one evaluation and thrown away.
/// </summary>
internal sealed class EvaluationSums
{
    private readonly Loss loss;
    private readonly TaskKind task;
    private readonly double[] targets;
    private readonly int rows;
    private readonly int columns;
    private readonly double[] batchTargets;

    private double crossEntropy;
    private readonly StorageOrderSum? lossTerms;
    private readonly StorageOrderSum? squares;
    private readonly StorageOrderSum? absolutes;
    private readonly double[] means = [];
    private readonly double[] residuals = [];
    private readonly double[] totals = [];
    private readonly int[,] confusion = new int[0, 0];
    private int correct;

    private EvaluationSums(Loss loss, TaskKind task, Matrix<double> targets, int capacity)
    {
        (this.loss, this.task, this.targets) = (loss, task, Dense.Data(targets));
        (rows, columns) = (targets.RowCount, targets.ColumnCount);
        batchTargets = GC.AllocateUninitializedArray<double>(capacity * columns);
        if (loss is not CrossEntropy) lossTerms = new StorageOrderSum(rows, columns);
        if (task == TaskKind.Classification)
        {
            confusion = new int[columns, columns];
            return;
        }
        (squares, absolutes) = (new StorageOrderSum(rows, columns), new StorageOrderSum(rows, columns));
        (means, residuals, totals) = (new double[columns], new double[columns], new double[columns]);
        for (var c = 0; c < columns; c++) means[c] = RegressionMetrics.MeanOf(this.targets.AsSpan(c * rows, rows));
    }

    /// <summary>Sums for <paramref name="targets"/> in batches of up to <paramref name="capacity"/> rows; null for a loss whose terms it does not know (a user's own).</summary>
    public static EvaluationSums? For(Loss loss, TaskKind task, Matrix<double> targets, int capacity) =>
        loss is MeanSquaredError or CrossEntropy or BinaryCrossEntropy ? new EvaluationSums(loss, task, targets, capacity) : null;

    /// <summary>The output layer's <paramref name="z"/> and <paramref name="h"/> for rows [<paramref name="start"/>, start + z.Rows).</summary>
    public void Add(ColumnMajor z, ColumnMajor h, int start)
    {
        var count = z.Rows;
        for (var c = 0; c < columns; c++) targets.AsSpan(c * rows + start, count).CopyTo(batchTargets.AsSpan(c * count, count));
        var y = new ColumnMajor(batchTargets.AsSpan(0, count * columns), count);
        AddLoss(z, h, y, start);
        if (task == TaskKind.Classification) AddClasses(h, y);
        else AddErrors(h, y, start);
    }

    private void AddLoss(ColumnMajor z, ColumnMajor h, ColumnMajor y, int start)
    {
        if (loss is CrossEntropy)
        {
            crossEntropy = CrossEntropy.AddRows(crossEntropy, z, y);
            return;
        }
        var binary = loss is BinaryCrossEntropy;
        for (var c = 0; c < columns; c++)
            for (var r = 0; r < y.Rows; r++)
                lossTerms!.Add(start + r, c, binary ? BinaryCrossEntropy.Term(z[r, c], y[r, c]) : MeanSquaredError.Term(h[r, c], y[r, c]));
    }

    private void AddClasses(ColumnMajor h, ColumnMajor y)
    {
        for (var r = 0; r < y.Rows; r++)
        {
            var (predicted, actual) = (ArgMax(h, r), ArgMax(y, r));
            confusion[actual, predicted]++;
            if (actual == predicted) correct++;
        }
    }

    private void AddErrors(ColumnMajor h, ColumnMajor y, int start)
    {
        for (var c = 0; c < columns; c++)
        {
            var (residual, total, mean) = (residuals[c], totals[c], means[c]);
            for (var r = 0; r < y.Rows; r++)
            {
                var d = h[r, c] - y[r, c];
                squares!.Add(start + r, c, d * d);
                absolutes!.Add(start + r, c, Math.Abs(d));
                var t = mean - y[r, c];
                residual += d * d;
                total += t * t;
            }
            (residuals[c], totals[c]) = (residual, total);
        }
    }

    /// <summary>The column of row <paramref name="r"/>'s largest value, the first on ties (as <see cref="Evaluation.ArgMaxByRow"/>).</summary>
    private static int ArgMax(ColumnMajor m, int r)
    {
        var best = 0;
        for (var c = 1; c < m.Columns; c++)
            if (m[r, c] > m[r, best]) best = c;
        return best;
    }

    /// <summary>The evaluation, once every row has been added.</summary>
    public Evaluation Result()
    {
        var count = rows * columns;
        var value = loss switch
        {
            CrossEntropy => crossEntropy / rows,
            BinaryCrossEntropy => lossTerms!.Total() / count,
            _ => 0.5 * (lossTerms!.Total() / count),
        };
        if (task != TaskKind.Classification)
        {
            var r2 = 0.0;
            for (var c = 0; c < columns; c++) r2 += RegressionMetrics.RSquaredFrom(residuals[c], totals[c]);
            return new Evaluation(value, null, Arr<Arr<int>>.Empty)
            {
                RootMeanSquaredError = Math.Sqrt(squares!.Total() / count),
                MeanAbsoluteError = absolutes!.Total() / count,
                // No columns: 0/0, NaN.
                RSquared = r2 / columns,
            };
        }
        var table = Enumerable.Range(0, columns).Select(t => Enumerable.Range(0, columns).Select(p => confusion[t, p]).ToArr()).ToArr();
        return new Evaluation(value, (double)correct / rows, table) { PerClass = ClassificationMetrics.PerClass(table) };
    }
}
