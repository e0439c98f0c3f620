using System.Runtime.Intrinsics;
using Backprop.Functional.Numerics;
using MathNet.Numerics.LinearAlgebra;

namespace Backprop.Functional;

/// <summary>h = z: a linear layer. Returns its inputs unchanged (they are immutable, so sharing is safe).</summary>
public sealed record Identity : ElementwiseActivation<Identity.Function, Identity.Slope>
{
    /// <summary>The one instance.</summary>
    public static Identity Instance { get; } = new();

    /// <inheritdoc/>
    public override string Name => "identity";

    /// <inheritdoc/>
    public override Matrix<double> Apply(Matrix<double> z) => z;

    /// <inheritdoc/>
    public override Matrix<double> Backpropagate(Matrix<double> z, Matrix<double> h, Matrix<double> dh) => dh;

    /// <inheritdoc/>
    internal override void BackpropagateInPlace(ReadOnlySpan<double> z, ReadOnlySpan<double> h, Span<double> dh, int rows, int columns)
    {
        // dL/dz is dL/dh itself (Backpropagate returns it unchanged).
    }

    /// <summary>z.</summary>
    public readonly struct Function : ILaneFunction
    {
        /// <inheritdoc/>
        public static Vector256<double> Apply(Vector256<double> z) => z;

        /// <inheritdoc/>
        public static Vector512<double> Apply(Vector512<double> z) => z;
    }

    /// <summary>1.</summary>
    public readonly struct Slope : ILaneFunction2
    {
        /// <inheritdoc/>
        public static Vector256<double> Apply(Vector256<double> z, Vector256<double> h) => Vector256<double>.One;
    }
}
