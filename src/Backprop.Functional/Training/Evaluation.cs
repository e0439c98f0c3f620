using Backprop.Functional.Numerics;
using LanguageExt;
using MathNet.Numerics.LinearAlgebra;

namespace Backprop.Functional;

/// <summary>
/// How well a network does on a data set: the loss; for classification accuracy, a confusion
/// matrix and per-class precision, recall and F1 (<see cref="ClassificationMetrics"/>); for
/// regression rmse, mae and R² (<see cref="RegressionMetrics"/>).
/// </summary>
/// <param name="Loss">The mean loss over every row.</param>
/// <param name="Accuracy">The fraction of rows whose largest output is the true class (classification only).</param>
/// <param name="Confusion">Confusion[t][p] = rows of true class t predicted as p (classification only).</param>
public sealed record Evaluation(double Loss, double? Accuracy, Arr<Arr<int>> Confusion)
{
    /// <summary>√(mean((h − y)²)) over every output of every row, in the targets' units (regression only).</summary>
    public double? RootMeanSquaredError { get; init; }

    /// <summary>mean(|h − y|) over every output of every row, in the targets' units (regression only).</summary>
    public double? MeanAbsoluteError { get; init; }

    /// <summary>R², per target column against the evaluated rows' own mean, averaged over the columns (regression only; see <see cref="RegressionMetrics.RSquared"/>).</summary>
    public double? RSquared { get; init; }

    /// <summary>Precision, recall and F1 of every class, in the confusion matrix's order (classification only; empty for regression).</summary>
    public Arr<ClassScores> PerClass { get; init; }

    /// <summary>The mean F1 over the classes that occur among the rows or the predictions (classification only).</summary>
    public double? MacroF1 => Accuracy is null ? null : ClassificationMetrics.MacroF1(PerClass);

    /// <summary>The mean precision over the classes that occur (classification only).</summary>
    public double? MacroPrecision => Accuracy is null ? null : ClassificationMetrics.MacroPrecision(PerClass);

    /// <summary>The mean recall over the classes that occur (classification only).</summary>
    public double? MacroRecall => Accuracy is null ? null : ClassificationMetrics.MacroRecall(PerClass);

    /// <summary>The most rows one forward pass of an evaluation takes (see <see cref="RowsPerPass"/>).</summary>
    public const int MaxRowsPerPass = 4096;

    /// <summary>How many doubles of activations one pass of an evaluation may hold: 4 MiB of them.</summary>
    public const int ActivationBudget = 512 * 1024;

    /// <summary>
    /// The rows per forward pass an evaluation of <paramref name="network"/> takes by default:
    /// <see cref="MaxRowsPerPass"/>, or fewer when its layers are wide, so that one pass's
    /// activations (every hidden layer's h, the output's z and h) stay within
    /// <see cref="ActivationBudget"/> doubles; never fewer than 64.
    /// </summary>
    public static int RowsPerPass(Network network)
    {
        var perRow = network.Layers.Sum(l => l.OutputWidth) + network.OutputWidth;
        return Math.Clamp(ActivationBudget / Math.Max(1, perRow), 64, MaxRowsPerPass);
    }

    /// <summary>
    /// Evaluates <paramref name="network"/> on <paramref name="data"/>: forward passes over
    /// <paramref name="rowsPerPass"/> rows at a time (default <see cref="RowsPerPass"/>), so the
    /// memory it takes beyond the data grows with the batch, not the rows, and the same bits as
    /// one pass over every row (a mse or binary cross-entropy loss over several outputs keeps the
    /// terms of every output but the first, to add them in the order one pass does). Products in
    /// <paramref name="compute"/>; without one, on the calling thread.
    /// </summary>
    public static Evaluation Of(Network network, Loss loss, Dataset data, TaskKind task, ComputeContext? compute = null, int? rowsPerPass = null) =>
        Streamed(network, loss, data, task, Option<Standardization>.None, compute, rowsPerPass);

    /// <summary>
    /// Evaluates in the targets' own units: <paramref name="data"/>'s targets are in their own
    /// units, and the network's outputs are mapped back through <paramref name="targetScaling"/>
    /// (the targets' standardization the network was trained with) before the loss and the
    /// metrics are taken, so an mse is in squared target units. Target scaling goes with mse on
    /// an identity output, whose loss reads the outputs alone. Without a scaling, the same as
    /// <see cref="Of"/>, and streamed as it is.
    /// </summary>
    public static Evaluation InTargetUnits(Network network, Loss loss, Dataset data, TaskKind task, Option<Standardization> targetScaling, ComputeContext? compute = null, int? rowsPerPass = null) =>
        Streamed(network, loss, data, task, targetScaling, compute, rowsPerPass);

    private static Evaluation Streamed(Network network, Loss loss, Dataset data, TaskKind task, Option<Standardization> targetScaling, ComputeContext? compute, int? rowsPerPass)
    {
        if (rowsPerPass < 1) throw new ArgumentOutOfRangeException(nameof(rowsPerPass), $"{rowsPerPass} rows per pass: at least 1");
        if (data.Targets.RowCount != data.Rows || data.Targets.ColumnCount != network.OutputWidth) return WholeBatch(network, loss, data, task, targetScaling, compute);
        var batch = Math.Min(rowsPerPass ?? RowsPerPass(network), data.Rows);
        var sums = data.Rows == 0 ? null : EvaluationSums.For(loss, task, data.Targets, batch);
        if (sums is null) return WholeBatch(network, loss, data, task, targetScaling, compute);
        using var forward = BatchedForward.For(network, batch, compute);
        if (forward is null) return WholeBatch(network, loss, data, task, targetScaling, compute);
        var scaling = targetScaling.Case as Standardization;
        var inverted = scaling is null ? [] : GC.AllocateUninitializedArray<double>(batch * network.OutputWidth);
        for (var start = 0; start < data.Rows; start += batch)
        {
            var rows = Math.Min(batch, data.Rows - start);
            forward.Run(data.Inputs, start, rows);
            if (scaling is null)
            {
                sums.Add(forward.PreActivation, forward.Activation, start);
                continue;
            }
            var outputs = inverted.AsSpan(0, rows * network.OutputWidth);
            scaling.InvertInto(forward.Outputs, rows, outputs);
            sums.Add(new ColumnMajor(outputs, rows), new ColumnMajor(outputs, rows), start);
        }
        return sums.Result();
    }

    /// <summary>One forward pass over every row: for a loss or an activation a batched pass does not know (a user's own), and for shapes that do not fit (which it refuses as it always has); what evaluation was before it streamed, and so the tests' oracle.</summary>
    internal static Evaluation WholeBatch(Network network, Loss loss, Dataset data, TaskKind task, Option<Standardization> targetScaling, ComputeContext? compute = null)
    {
        var trace = Forward.Run(network, data.Inputs, compute);
        if (targetScaling.Case is not Standardization scaling) return Measure(trace.OutputLayer, loss, data.Targets, task);
        var outputs = scaling.Invert(trace.Output);
        return Measure(new LayerTrace(outputs, outputs), loss, data.Targets, task);
    }

    private static Evaluation Measure(LayerTrace output, Loss loss, Matrix<double> targets, TaskKind task)
    {
        var value = loss.Value(output, targets);
        var rows = targets.RowCount;
        if (task != TaskKind.Classification)
        {
            var metrics = RegressionMetrics.Of(Dense.Data(output.Activation), Dense.Data(targets), rows);
            return new Evaluation(value, null, Arr<Arr<int>>.Empty)
            {
                RootMeanSquaredError = metrics.RootMeanSquaredError,
                MeanAbsoluteError = metrics.MeanAbsoluteError,
                RSquared = metrics.RSquared,
            };
        }

        var classes = targets.ColumnCount;
        var confusion = new int[classes, classes];
        var predicted = ArgMaxByRow(Dense.Data(output.Activation), rows, classes);
        var actual = ArgMaxByRow(Dense.Data(targets), rows, classes);
        var correct = 0;
        for (var r = 0; r < rows; r++)
        {
            confusion[actual[r], predicted[r]]++;
            if (actual[r] == predicted[r]) correct++;
        }
        var table = Enumerable.Range(0, classes).Select(t => Enumerable.Range(0, classes).Select(p => confusion[t, p]).ToArr()).ToArr();
        return new Evaluation(value, (double)correct / rows, table) { PerClass = ClassificationMetrics.PerClass(table) };
    }

    /// <summary>For each row the column holding its largest value (the first on ties).</summary>
    public static int[] ArgMaxByRow(double[] columnMajor, int rows, int columns)
    {
        var best = new int[rows];
        for (var r = 0; r < rows; r++)
            for (var c = 1; c < columns; c++)
                if (columnMajor[c * rows + r] > columnMajor[best[r] * rows + r]) best[r] = c;
        return best;
    }
}
