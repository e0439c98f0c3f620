namespace Backprop.Functional;

/// <summary>
/// What stays fixed during a run: the loss, the optimizer with its hyperparameters, the batch
/// size (null = every row in one batch) and what to do with a non-finite step (default: stop).
/// </summary>
public sealed record TrainConfig(Loss Loss, Optimizer Optimizer, int? BatchSize = null, NonFinitePolicy? OnNonFinite = null)
{
    /// <summary>The non-finite policy in force.</summary>
    public NonFinitePolicy NonFinite => OnNonFinite ?? NonFinitePolicy.Stop;

    /// <summary>How many rows one step uses for a data set of <paramref name="rows"/> rows.</summary>
    public int BatchRows(int rows) => BatchRows(rows, BatchSize);

    /// <summary>How many rows one step uses, for a given batch size (null = all rows).</summary>
    public static int BatchRows(int rows, int? batchSize) => batchSize is { } size ? Math.Min(size, rows) : rows;

    /// <summary>How many steps one epoch takes over <paramref name="rows"/> rows.</summary>
    public static int StepsPerEpoch(int rows, int? batchSize) => (rows + BatchRows(rows, batchSize) - 1) / BatchRows(rows, batchSize);
}
