using System.Runtime.CompilerServices;
using Backprop.Functional.Numerics;

namespace Backprop.Functional;

/// <summary>max(z, 0); its slope is 1 for z &gt; 0 and 0 otherwise (0 at the kink).</summary>
public sealed record Relu : ElementwiseActivation<Relu.Function>
{
    /// <summary>The one instance.</summary>
    public static Relu Instance { get; } = new();

    /// <inheritdoc/>
    public override string Name => "relu";

    /// <summary>relu and its slope.</summary>
    public readonly struct Function : IElementwiseFunction
    {
        /// <summary>z where z &gt; 0, else 0 (NaN stays NaN).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static T Value<T>(T z) where T : struct, IReal<T> => T.Select(z <= T.Zero, T.Zero, z);

        /// <summary>1 where z &gt; 0, else 0.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static T Slope<T>(T z, T h) where T : struct, IReal<T> => T.Select(z > T.Zero, T.One, T.Zero);
    }
}
