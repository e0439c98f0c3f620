namespace Backprop.Functional;

/// <summary>Upper bounds that protect against absurd sizes read from files or flags.</summary>
public static class Limits
{
    /// <summary>The most elements one tensor may hold (2^31 − 1 would already be 16 GiB of doubles).</summary>
    public const long MaxTensorElements = 1L << 28;

    /// <summary>
    /// Whether a tensor of <paramref name="rows"/> × <paramref name="columns"/> elements stays within
    /// <see cref="MaxTensorElements"/> (a tensor of exactly that many is allowed). Written once so that
    /// every refusal draws the line in the same place, and so that line can be tested without
    /// allocating the 2 GiB such a tensor takes.
    /// </summary>
    public static bool FitsOneTensor(long rows, long columns) =>
        rows >= 0 && columns >= 0 && (columns == 0 || rows <= MaxTensorElements / columns);

    /// <summary>
    /// The most memory training may plan to use (8 GiB), whatever the machine has. On a CPU at a
    /// few GFLOP/s a network or data set that needs more takes hours per epoch, so past this
    /// point a refusal helps more than a start; raise it when someone needs more.
    /// </summary>
    public const long MaxTrainingBytes = 8L << 30;

    /// <summary>
    /// The share of the memory available to the process that training may plan to use: the
    /// estimate is not exact, and the garbage collector needs room to work.
    /// </summary>
    public const double UsableMemoryFraction = 0.8;

    /// <summary>
    /// The largest file read into memory (1 GiB), a weights or state file among them; the
    /// writers refuse to write a bigger one, since nothing could read it back.
    /// </summary>
    public const long MaxFileBytes = 1L << 30;
}
