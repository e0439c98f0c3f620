using Backprop.Functional.Numerics;
using Backprop.Functional.Tests.Support;

namespace Backprop.Functional.Tests;

/// <summary>The mean predictor: what a model has to beat.</summary>
public sealed class BaselineTests
{
    [Fact]
    public void The_mean_predictor_predicts_each_training_columns_mean_on_every_row_of_the_data()
    {
        var train = new Dataset(Dense.Matrix(3, 1, [0.0, 0, 0]), Dense.FromRowMajor(3, 2, [1.0, 10, 2, 20, 6, 60]));
        var data = new Dataset(Dense.Matrix(2, 1, [0.0, 0]), Dense.FromRowMajor(2, 2, [3.0, 30, 5, 20]));
        // Means 3 and 30: errors (0, 0) and (2, −10); mse is half the mean of the four squares.
        Assert.Equal(0.5 * (0 + 0 + 4 + 100) / 4.0, Baseline.MeanPredictorLoss(MeanSquaredError.Instance, train, data));
        Assert.Equal(0.0, Baseline.MeanPredictorLoss(MeanSquaredError.Instance, train, new Dataset(data.Inputs, Dense.FromRowMajor(2, 2, [3.0, 30, 3, 30]))));
    }

    [Fact]
    public void The_mean_predictor_is_the_loss_of_a_trace_holding_the_means()
    {
        var c = new NetworkCase([2, 3], ["sigmoid"], 7, 4, "binary-cross-entropy");
        var data = c.Data;
        var held = data.Select([6, 0, 3]);
        var means = Enumerable.Range(0, 3).Select(k => Enumerable.Range(0, 7).Sum(r => data.Targets[r, k]) / 7).ToArray();
        var h = Dense.FromRowMajor(3, 3, [.. means, .. means, .. means]);
        var expected = BinaryCrossEntropy.Instance.Value(new LayerTrace(h, h), held.Targets);
        Assert.Equal(expected, Baseline.MeanPredictorLoss(BinaryCrossEntropy.Instance, data, held), 1e-15);
    }
}
