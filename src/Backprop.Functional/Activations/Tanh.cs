using System.Runtime.Intrinsics;
using Backprop.Functional.Numerics;

namespace Backprop.Functional;

/// <summary>tanh(z), with tanh′ = 1 − h².</summary>
public sealed record Tanh : ElementwiseActivation<Tanh.Function, Tanh.Slope>
{
    /// <summary>The one instance.</summary>
    public static Tanh Instance { get; } = new();

    /// <inheritdoc/>
    public override string Name => "tanh";

    /// <inheritdoc/>
    internal override bool DerivativeReadsPreActivation => false;

    /// <summary>tanh(z).</summary>
    public readonly struct Function : ILaneFunction
    {
        /// <inheritdoc/>
        public static Vector256<double> Apply(Vector256<double> z) => DeterministicMath.Tanh(z);

        /// <inheritdoc/>
        public static Vector512<double> Apply(Vector512<double> z) => DeterministicMath.Tanh(z);
    }

    /// <summary>1 − h².</summary>
    public readonly struct Slope : ILaneFunction2
    {
        /// <inheritdoc/>
        public static Vector256<double> Apply(Vector256<double> z, Vector256<double> h) => Vector256<double>.One - h * h;
    }
}
