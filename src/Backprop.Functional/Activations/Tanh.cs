using System.Runtime.CompilerServices;
using Backprop.Functional.Numerics;

namespace Backprop.Functional;

/// <summary>tanh(z), with tanh′ = 1 − h².</summary>
public sealed record Tanh : ElementwiseActivation<Tanh.Function>
{
    /// <summary>The one instance.</summary>
    public static Tanh Instance { get; } = new();

    /// <inheritdoc/>
    public override string Name => "tanh";

    /// <summary>tanh and tanh′.</summary>
    public readonly struct Function : IElementwiseFunction
    {
        /// <summary>tanh(z) = (e^z − e^−z) / (e^z + e^−z).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static T Value<T>(T z) where T : struct, IReal<T> => DeterministicMath.Tanh(z);

        /// <summary>tanh′(z) = 1 − h².</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static T Slope<T>(T z, T h) where T : struct, IReal<T> => T.One - h * h;
    }
}
