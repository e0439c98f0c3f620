using Backprop.Functional.Numerics;
using Backprop.Functional.Tests.Support;
using LanguageExt;

namespace Backprop.Functional.Tests.Structure;

/// <summary>What a data set accepts, what it refuses and how it gathers rows.</summary>
public sealed class DatasetTests
{
    private static MathNet.Numerics.LinearAlgebra.Matrix<double> Counting(int rows, int columns) =>
        Dense.FromRowMajor(rows, columns, Enumerable.Range(0, rows * columns).Select(v => (double)v).ToArray());

    [Fact]
    public void Inputs_and_targets_need_the_same_rows_and_at_least_one()
    {
        Assert.Equal("inputs have 3 rows but targets have 2", Failure.Message(Dataset.Create(Counting(3, 2), Counting(2, 1))));
        Assert.Equal("inputs have 2 rows but targets have 3", Failure.Message(Dataset.Create(Counting(2, 2), Counting(3, 1))));
        Assert.Equal("the data set has no rows", Failure.Message(Dataset.Create(Counting(0, 2), Counting(0, 1))));
        var data = (Dataset)Dataset.Create(Counting(1, 2), Counting(1, 1));
        Assert.Equal(1, data.Rows);
    }

    [Fact]
    public void The_data_must_fit_the_networks_input_and_output_widths()
    {
        var network = new NetworkCase([3, 4, 2], ["tanh", "identity"], 1, 1).Network;
        Assert.Equal("the data has 2 feature columns but the network reads 3", Failure.Message(new Dataset(Counting(5, 2), Counting(5, 2)).FitsNetwork(network)));
        Assert.Equal("the data has 1 target columns but the network writes 2", Failure.Message(new Dataset(Counting(5, 3), Counting(5, 1)).FitsNetwork(network)));
        var fits = new Dataset(Counting(5, 3), Counting(5, 2));
        Assert.Same(fits, (Dataset)fits.FitsNetwork(network));
    }

    [Fact]
    public void Select_gathers_the_rows_in_the_order_given_repeats_included()
    {
        var data = new Dataset(Counting(4, 3), Counting(4, 2));
        var picked = data.Select([2, 0, 2]);
        Assert.Equal(new double[] { 6, 7, 8, 0, 1, 2, 6, 7, 8 }, Bits.Of(picked.Inputs.Transpose()));
        Assert.Equal(new double[] { 4, 5, 0, 1, 4, 5 }, Bits.Of(picked.Targets.Transpose()));
        Assert.Equal(0, data.Select([]).Rows);
    }

    [Fact]
    public void One_sample_is_a_batch_of_one_that_keeps_its_own_copy()
    {
        double[] x = [1, 2, 3], y = [4];
        var data = Dataset.OneSample(x, y);
        (x[0], y[0]) = (99, 99);
        Assert.Equal((1, 3, 1), (data.Rows, data.Inputs.ColumnCount, data.Targets.ColumnCount));
        Assert.Equal(new double[] { 1, 2, 3 }, Bits.Of(data.Inputs));
        Assert.Equal(new double[] { 4 }, Bits.Of(data.Targets));
    }
}
