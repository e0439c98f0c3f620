using System.Runtime.CompilerServices;
using Backprop.Functional.Numerics;

namespace Backprop.Functional;

/// <summary>z for z &gt; 0, else 0.01·z; its slope is 1 or 0.01.</summary>
public sealed record LeakyRelu : ElementwiseActivation<LeakyRelu.Function>
{
    /// <summary>The slope on the negative side.</summary>
    public const double NegativeSlope = 0.01;

    /// <summary>The one instance.</summary>
    public static LeakyRelu Instance { get; } = new();

    /// <inheritdoc/>
    public override string Name => "leaky-relu";

    /// <summary>leaky relu and its slope.</summary>
    public readonly struct Function : IElementwiseFunction
    {
        /// <summary>z, or 0.01·z where z ≤ 0 (NaN stays NaN).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static T Value<T>(T z) where T : struct, IReal<T> => T.Select(z <= T.Zero, z * NegativeSlope, z);

        /// <summary>1 where z &gt; 0, else 0.01.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static T Slope<T>(T z, T h) where T : struct, IReal<T> => T.Select(z > T.Zero, T.One, NegativeSlope);
    }
}
