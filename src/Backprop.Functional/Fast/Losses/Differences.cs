using System.Runtime.CompilerServices;

namespace Backprop.Functional.Fast;

/// <summary>The gradient every built-in loss hands back, (h − y)/n, written into a span.</summary>
internal static class Differences
{
    /// <summary>delta[i] = (h[i] − y[i]) / n for every i of <paramref name="y"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Over(int n, ReadOnlySpan<double> h, ReadOnlySpan<double> y, Span<double> delta)
    {
        for (var i = 0; i < y.Length; i++) delta[i] = (h[i] - y[i]) / n;
    }
}
