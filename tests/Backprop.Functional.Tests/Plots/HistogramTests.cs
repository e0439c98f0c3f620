using Backprop.Cli.Plots;
using FsCheck.Xunit;

namespace Backprop.Functional.Tests.Plots;

public sealed class HistogramTests
{
    [Property]
    public bool Every_finite_value_lands_in_exactly_one_bin_of_its_own_range(FsCheck.NormalFloat[] values, FsCheck.PositiveInt bins)
    {
        var data = values.Select(v => v.Get).ToArray();
        var histogram = Histogram.Of(data, Math.Min(bins.Get, 200));
        return histogram.Counts.Sum() == data.Length && histogram.Outside == 0;
    }

    [Fact]
    public void The_largest_value_is_counted_in_the_last_bin_and_values_outside_a_given_range_are_not()
    {
        var histogram = Histogram.Of([0.0, 0.5, 1.0, 2.0, double.NaN], 4, 0, 1);
        Assert.Equal([1, 0, 1, 1], histogram.Counts);
        Assert.Equal(2, histogram.Outside);
        Assert.Equal(0.125, histogram.Centre(0));
    }

    [Fact]
    public void Equal_values_get_a_unit_wide_range_instead_of_empty_bins()
    {
        var histogram = Histogram.Of([0.0, 0.0, 0.0], 10);
        Assert.Equal((-0.5, 0.5), (histogram.Low, histogram.High));
        Assert.Equal(3, histogram.Counts.Sum());
    }
}
