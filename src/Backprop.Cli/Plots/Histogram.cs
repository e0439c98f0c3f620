namespace Backprop.Cli.Plots;

/// <summary>
/// Counts of values in equal-width bins over [<see cref="Low"/>, <see cref="High"/>]; the last
/// bin is closed so the maximum is counted. Values outside the range or not finite are left out
/// (<see cref="Outside"/> says how many), which never happens when the range came from the data.
/// </summary>
public sealed record Histogram(double Low, double High, int[] Counts, int Outside)
{
    /// <summary>The width of one bin.</summary>
    public double BinWidth => (High - Low) / Counts.Length;

    /// <summary>The centre of bin <paramref name="bin"/>.</summary>
    public double Centre(int bin) => Low + (bin + 0.5) * BinWidth;

    /// <summary>Bins <paramref name="values"/> over their own finite range.</summary>
    public static Histogram Of(IReadOnlyCollection<double> values, int bins)
    {
        var range = ValueRange.Of(values);
        return Of(values, bins, range.Low, range.High);
    }

    /// <summary>Bins <paramref name="values"/> over a given range (so several histograms share one x axis).</summary>
    public static Histogram Of(IEnumerable<double> values, int bins, double low, double high)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bins, 1);
        (low, high) = ValueRange.Widened(low, high);
        var counts = new int[bins];
        var outside = 0;
        var width = (high - low) / bins;
        foreach (var value in values)
        {
            if (!(value >= low && value <= high))
            {
                outside++;
                continue;
            }
            counts[Math.Min(bins - 1, (int)((value - low) / width))]++;
        }
        return new Histogram(low, high, counts, outside);
    }
}

/// <summary>The smallest and largest finite value of some data.</summary>
public readonly record struct ValueRange(double Low, double High)
{
    /// <summary>The finite range of <paramref name="values"/>; (0, 0) when none is finite.</summary>
    public static ValueRange Of(IEnumerable<double> values)
    {
        var (low, high, any) = (double.PositiveInfinity, double.NegativeInfinity, false);
        foreach (var value in values)
        {
            if (!double.IsFinite(value)) continue;
            (low, high, any) = (Math.Min(low, value), Math.Max(high, value), true);
        }
        return any ? new ValueRange(low, high) : new ValueRange(0, 0);
    }

    /// <summary>The range covering both.</summary>
    public ValueRange Union(ValueRange other) => new(Math.Min(Low, other.Low), Math.Max(High, other.High));

    /// <summary>
    /// A range with room for bins: a single value (all weights equal, e.g. zero biases) gets a
    /// unit-wide range around it instead of zero-width bins.
    /// </summary>
    public static (double Low, double High) Widened(double low, double high) =>
        high > low ? (low, high) : (low - 0.5, low + 0.5);
}
