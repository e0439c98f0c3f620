using System.Runtime.Intrinsics;
using Backprop.Functional.Numerics;

namespace Backprop.Functional;

/// <summary>log(1 + e^z), a smooth relu; its slope is σ(z).</summary>
public sealed record Softplus : ElementwiseActivation<Softplus.Function, Softplus.Slope>
{
    /// <summary>The one instance.</summary>
    public static Softplus Instance { get; } = new();

    /// <inheritdoc/>
    public override string Name => "softplus";

    /// <summary>max(z, 0) + log1p(e^−|z|), lane by lane (log has no vector form here).</summary>
    public readonly struct Function : ILaneFunction
    {
        /// <inheritdoc/>
        public static Vector256<double> Apply(Vector256<double> z) => Vector256.Create(
            DeterministicMath.Softplus(z[0]), DeterministicMath.Softplus(z[1]),
            DeterministicMath.Softplus(z[2]), DeterministicMath.Softplus(z[3]));

        /// <inheritdoc/>
        public static Vector512<double> Apply(Vector512<double> z) => Vector512.Create(Apply(z.GetLower()), Apply(z.GetUpper()));
    }

    /// <summary>σ(z).</summary>
    public readonly struct Slope : ILaneFunction2
    {
        /// <inheritdoc/>
        public static Vector256<double> Apply(Vector256<double> z, Vector256<double> h) => DeterministicMath.Sigmoid(z);
    }
}
