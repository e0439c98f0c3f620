using System.Runtime.Intrinsics;
using Backprop.Functional.Numerics;

namespace Backprop.Functional;

/// <summary>max(z, 0); its slope is 1 for z &gt; 0 and 0 otherwise (0 at the kink).</summary>
public sealed record Relu : ElementwiseActivation<Relu.Function, Relu.Slope>
{
    /// <summary>The one instance.</summary>
    public static Relu Instance { get; } = new();

    /// <inheritdoc/>
    public override string Name => "relu";

    /// <summary>z where z &gt; 0, else 0 (NaN stays NaN).</summary>
    public readonly struct Function : ILaneFunction
    {
        /// <inheritdoc/>
        public static Vector256<double> Apply(Vector256<double> z) =>
            Vector256.ConditionalSelect(Vector256.LessThanOrEqual(z, Vector256<double>.Zero), Vector256<double>.Zero, z);

        /// <inheritdoc/>
        public static Vector512<double> Apply(Vector512<double> z) =>
            Vector512.ConditionalSelect(Vector512.LessThanOrEqual(z, Vector512<double>.Zero), Vector512<double>.Zero, z);
    }

    /// <summary>1 where z &gt; 0, else 0.</summary>
    public readonly struct Slope : ILaneFunction2
    {
        /// <inheritdoc/>
        public static Vector256<double> Apply(Vector256<double> z, Vector256<double> h) =>
            Vector256.ConditionalSelect(Vector256.GreaterThan(z, Vector256<double>.Zero), Vector256<double>.One, Vector256<double>.Zero);
    }
}
