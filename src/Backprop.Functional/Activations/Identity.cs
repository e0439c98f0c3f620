using System.Runtime.CompilerServices;
using Backprop.Functional.Numerics;
using MathNet.Numerics.LinearAlgebra;

namespace Backprop.Functional;

/// <summary>h = z: a linear layer. Returns its inputs unchanged (they are immutable, so sharing is safe).</summary>
public sealed record Identity : ElementwiseActivation<Identity.Function>
{
    /// <summary>The one instance.</summary>
    public static Identity Instance { get; } = new();

    /// <inheritdoc/>
    public override string Name => "identity";

    /// <inheritdoc/>
    public override Matrix<double> Apply(Matrix<double> z) => z;

    /// <inheritdoc/>
    public override Matrix<double> Backpropagate(Matrix<double> z, Matrix<double> h, Matrix<double> dh) => dh;

    /// <summary>z and its slope 1.</summary>
    public readonly struct Function : IElementwiseFunction
    {
        /// <summary>z.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static T Value<T>(T z) where T : struct, IReal<T> => z;

        /// <summary>1.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static T Slope<T>(T z, T h) where T : struct, IReal<T> => T.One;
    }
}
