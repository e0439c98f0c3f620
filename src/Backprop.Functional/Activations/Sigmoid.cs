using System.Runtime.Intrinsics;
using Backprop.Functional.Numerics;

namespace Backprop.Functional;

/// <summary>σ(z) = 1 / (1 + e^−z), with σ′ = h·(1 − h): the seed notebook's activation.</summary>
public sealed record Sigmoid : ElementwiseActivation<Sigmoid.Function, Sigmoid.Slope>
{
    /// <summary>The one instance.</summary>
    public static Sigmoid Instance { get; } = new();

    /// <inheritdoc/>
    public override string Name => "sigmoid";

    /// <inheritdoc/>
    internal override bool DerivativeReadsPreActivation => false;

    /// <summary>σ(z).</summary>
    public readonly struct Function : ILaneFunction
    {
        /// <inheritdoc/>
        public static Vector256<double> Apply(Vector256<double> z) => DeterministicMath.Sigmoid(z);

        /// <inheritdoc/>
        public static Vector512<double> Apply(Vector512<double> z) => DeterministicMath.Sigmoid(z);
    }

    /// <summary>σ′(z) = h·(1 − h), the seed's own form.</summary>
    public readonly struct Slope : ILaneFunction2
    {
        /// <inheritdoc/>
        public static Vector256<double> Apply(Vector256<double> z, Vector256<double> h) => h * (Vector256<double>.One - h);
    }
}
