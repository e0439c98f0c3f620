using Backprop.Functional.Numerics;
using LanguageExt;

namespace Backprop.Functional;

/// <summary>How well a network does on a data set: the loss, and for classification accuracy and a confusion matrix.</summary>
/// <param name="Loss">The mean loss over every row.</param>
/// <param name="Accuracy">The fraction of rows whose largest output is the true class (classification only).</param>
/// <param name="Confusion">Confusion[t][p] = rows of true class t predicted as p (classification only).</param>
public sealed record Evaluation(double Loss, double? Accuracy, Arr<Arr<int>> Confusion)
{
    /// <summary>Evaluates <paramref name="network"/> on <paramref name="data"/> (one forward pass, its products in <paramref name="compute"/>; without one, on the calling thread).</summary>
    public static Evaluation Of(Network network, Loss loss, Dataset data, TaskKind task, ComputeContext? compute = null)
    {
        var trace = Forward.Run(network, data.Inputs, compute);
        var value = loss.Value(trace.OutputLayer, data.Targets);
        if (task != TaskKind.Classification) return new Evaluation(value, null, Arr<Arr<int>>.Empty);

        var classes = data.Targets.ColumnCount;
        var confusion = new int[classes, classes];
        var predicted = ArgMaxByRow(Dense.Data(trace.Output), data.Rows, classes);
        var actual = ArgMaxByRow(Dense.Data(data.Targets), data.Rows, classes);
        var correct = 0;
        for (var r = 0; r < data.Rows; r++)
        {
            confusion[actual[r], predicted[r]]++;
            if (actual[r] == predicted[r]) correct++;
        }
        var rows = Enumerable.Range(0, classes).Select(t => Enumerable.Range(0, classes).Select(p => confusion[t, p]).ToArr()).ToArr();
        return new Evaluation(value, (double)correct / data.Rows, rows);
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
