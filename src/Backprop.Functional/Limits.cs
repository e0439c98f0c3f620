namespace Backprop.Functional;

/// <summary>Upper bounds that protect against absurd sizes read from files or flags.</summary>
public static class Limits
{
    /// <summary>The most elements one tensor may hold (2^31 − 1 would already be 16 GiB of doubles).</summary>
    public const long MaxTensorElements = 1L << 28;
}
