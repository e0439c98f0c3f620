using System.Runtime.CompilerServices;
using Backprop.Functional.Numerics;

namespace Backprop.Functional;

/// <summary>log(1 + e^z), a smooth relu; its slope is σ(z).</summary>
public sealed record Softplus : ElementwiseActivation<Softplus.Function>
{
    /// <summary>The one instance.</summary>
    public static Softplus Instance { get; } = new();

    /// <inheritdoc/>
    public override string Name => "softplus";

    /// <summary>softplus and its slope.</summary>
    public readonly struct Function : IElementwiseFunction
    {
        /// <summary>log(1 + e^z), as max(z, 0) + log1p(e^−|z|) so that large |z| neither overflows nor loses it.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static T Value<T>(T z) where T : struct, IReal<T> => DeterministicMath.Softplus(z);

        /// <summary>σ(z).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static T Slope<T>(T z, T h) where T : struct, IReal<T> => Sigmoid.Function.Value(z);
    }
}
