namespace Backprop.Functional.Numerics;

/// <summary>
/// How many threads a matrix product may use. Results never depend on it: every output
/// element is computed by exactly one thread with the same fused multiply-add chain, so any
/// setting gives the same bits; only the speed changes.
/// </summary>
public static class ComputeThreads
{
    private static int count = Environment.ProcessorCount;

    /// <summary>
    /// The most threads one product may use (default <see cref="Environment.ProcessorCount"/>,
    /// at least 1). Small products always run on the calling thread, because waking another
    /// thread costs more than they do. Changing it never changes any result.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is below 1.</exception>
    public static int Count
    {
        get => Volatile.Read(ref count);
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            Volatile.Write(ref count, value);
        }
    }
}
