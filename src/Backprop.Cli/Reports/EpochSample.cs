namespace Backprop.Cli.Reports;

/// <summary>
/// Chooses at most a given number of items, evenly spread and always with the first and the
/// last, so a report of a long run stays small while its slider still spans the whole run.
/// </summary>
public static class EpochSample
{
    /// <summary>At most <paramref name="max"/> of <paramref name="items"/>, in order, first and last included.</summary>
    public static T[] Pick<T>(IReadOnlyList<T> items, int max)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(max, 2);
        if (items.Count <= max) return [.. items];
        // Index i of max spreads evenly over 0 … Count-1; rounding keeps both ends exact and
        // never picks the same item twice because the step (Count-1)/(max-1) is above 1.
        return Enumerable.Range(0, max)
            .Select(i => items[(int)Math.Round(i * (items.Count - 1) / (double)(max - 1), MidpointRounding.AwayFromZero)])
            .ToArray();
    }
}
