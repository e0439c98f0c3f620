using Backprop.Functional.Numerics;
using Backprop.Functional.Tests.Support;

namespace Backprop.Functional.Tests;

/// <summary>The forward pass's refusals and how predictions in batches are cut.</summary>
public sealed class ForwardTests
{
    private static readonly NetworkCase Case = new([3, 4, 2], ["tanh", "sigmoid"], 10, 5);

    [Fact]
    public void Inputs_of_the_wrong_width_are_refused_by_every_pass()
    {
        var inputs = Dense.Matrix(2, 4, new double[8]);
        const string message = "inputs have 4 columns but the network reads 3";
        Assert.Equal(message, Assert.Throws<ArgumentException>(() => Forward.Run(Case.Network, inputs)).Message);
        Assert.Equal(message, Assert.Throws<ArgumentException>(() => Forward.PredictInBatches(Case.Network, inputs)).Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    public void Fewer_than_one_row_per_pass_is_refused_before_anything_runs(int rowsPerPass)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => Forward.PredictInBatches(Case.Network, Case.Data.Inputs, null, rowsPerPass));
        Assert.Equal("rowsPerPass", error.ParamName);
        Assert.StartsWith($"{rowsPerPass} rows per pass: at least 1", error.Message);
    }

    [Theory]
    [InlineData(1, new[] { 1, 1, 1, 1, 1, 1, 1, 1, 1, 1 })]
    [InlineData(3, new[] { 3, 3, 3, 1 })]
    [InlineData(10, new[] { 10 })]
    [InlineData(64, new[] { 10 })]
    public void Predictions_come_in_batches_of_the_rows_per_pass_the_last_one_shorter(int rowsPerPass, int[] rows)
    {
        var batches = Forward.PredictInBatches(Case.Network, Case.Data.Inputs, null, rowsPerPass).ToList();
        Assert.Equal(rows, batches.Select(b => b.RowCount));
        Assert.True(Bits.Same(Bits.Of(Forward.Predict(Case.Network, Case.Data.Inputs).Transpose()), batches.SelectMany(b => Bits.Of(b.Transpose())).ToArray()));
    }

    [Fact]
    public void An_activation_without_a_fast_form_predicts_in_batches_through_its_own_methods()
    {
        var network = Case.Network with { Layers = Case.Network.Layers.Map(l => l with { Activation = new Cube() }) };
        var batches = Forward.PredictInBatches(network, Case.Data.Inputs, null, 4).ToList();
        Assert.Equal([4, 4, 2], batches.Select(b => b.RowCount));
        Assert.True(Bits.Same(Bits.Of(Forward.Predict(network, Case.Data.Inputs).Transpose()), batches.SelectMany(b => Bits.Of(b.Transpose())).ToArray()));
    }

    [Fact]
    public void No_rows_predict_nothing() =>
        Assert.Empty(Forward.PredictInBatches(Case.Network, Dense.Matrix(0, 3, []), null, 4));
}
