using System.Runtime.CompilerServices;
using Backprop.Functional.Numerics;

namespace Backprop.Functional;

/// <summary>σ(z) = 1 / (1 + e^−z), with σ′ = h·(1 − h): the seed notebook's activation.</summary>
public sealed record Sigmoid : ElementwiseActivation<Sigmoid.Function>
{
    /// <summary>The one instance.</summary>
    public static Sigmoid Instance { get; } = new();

    /// <inheritdoc/>
    public override string Name => "sigmoid";

    /// <summary>σ and σ′.</summary>
    public readonly struct Function : IElementwiseFunction
    {
        /// <summary>σ(z) = 1 / (1 + e^−z).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static T Value<T>(T z) where T : struct, IReal<T> => T.One / (T.One + DeterministicMath.Exp(-z));

        /// <summary>σ′(z) = h·(1 − h), the seed's own form.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static T Slope<T>(T z, T h) where T : struct, IReal<T> => h * (T.One - h);
    }
}
