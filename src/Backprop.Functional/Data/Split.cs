namespace Backprop.Functional;

/// <summary>Training, validation and test parts of one data set (validation and test may be empty).</summary>
public sealed record DataSplit(Dataset Train, Dataset? Validation, Dataset? Test)
{
    /// <summary>
    /// Shuffles the rows with <paramref name="rng"/> and cuts off the test rows, then the
    /// validation rows; the rest trains. With both fractions 0 the rows stay in file order.
    /// </summary>
    public static DataSplit Create(Dataset data, double validationFraction, double testFraction, Rng rng)
    {
        if (validationFraction == 0 && testFraction == 0) return new DataSplit(data, null, null);
        var order = rng.Permutation(data.Rows).Permutation.ToArray();
        var testRows = (int)Math.Round(data.Rows * testFraction);
        var validationRows = (int)Math.Round(data.Rows * validationFraction);
        var trainRows = data.Rows - testRows - validationRows;
        Dataset? Part(int start, int count) => count == 0 ? null : data.Select(order.AsSpan(start, count));
        return new DataSplit(
            data.Select(order.AsSpan(testRows + validationRows, trainRows)),
            Part(testRows, validationRows),
            Part(0, testRows));
    }
}
