using Backprop.Functional.Numerics;

namespace Backprop.Functional;

/// <summary>What a model has to beat.</summary>
public static class Baseline
{
    /// <summary>The loss on <paramref name="data"/> of always predicting the training targets' mean.</summary>
    public static double MeanPredictorLoss(Loss loss, Dataset train, Dataset data)
    {
        var (rows, columns) = (train.Rows, train.Targets.ColumnCount);
        var targets = Dense.Data(train.Targets);
        var prediction = new double[data.Rows * columns];
        for (var c = 0; c < columns; c++)
        {
            var sum = 0.0;
            for (var r = 0; r < rows; r++) sum += targets[c * rows + r];
            prediction.AsSpan(c * data.Rows, data.Rows).Fill(sum / rows);
        }
        var h = Dense.Matrix(data.Rows, columns, prediction);
        return loss.Value(new LayerTrace(h, h), data.Targets);
    }
}
