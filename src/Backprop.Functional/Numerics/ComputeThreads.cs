namespace Backprop.Functional.Numerics;

/// <summary>
/// How many threads the matrix products may use. Results never depend on it: work is split
/// across output elements and each element is reduced in one fixed order by one thread.
/// </summary>
public static class ComputeThreads
{
    private static int _max = Environment.ProcessorCount;

    /// <summary>The thread budget (at least 1; default: the processor count).</summary>
    public static int Max
    {
        get => _max;
        set => _max = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(value), "at least one thread");
    }
}
