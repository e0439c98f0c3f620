using System.Runtime.Intrinsics;
using Backprop.Functional.Numerics;

namespace Backprop.Functional;

/// <summary>z for z &gt; 0, else 0.01·z; its slope is 1 or 0.01.</summary>
public sealed record LeakyRelu : ElementwiseActivation<LeakyRelu.Function, LeakyRelu.Slope>
{
    /// <summary>The slope on the negative side.</summary>
    public const double NegativeSlope = 0.01;

    /// <summary>The one instance.</summary>
    public static LeakyRelu Instance { get; } = new();

    /// <inheritdoc/>
    public override string Name => "leaky-relu";

    /// <summary>z or 0.01·z.</summary>
    public readonly struct Function : ILaneFunction
    {
        /// <inheritdoc/>
        public static Vector256<double> Apply(Vector256<double> z) =>
            Vector256.ConditionalSelect(Vector256.LessThanOrEqual(z, Vector256<double>.Zero), z * Vector256.Create(NegativeSlope), z);

        /// <inheritdoc/>
        public static Vector512<double> Apply(Vector512<double> z) =>
            Vector512.ConditionalSelect(Vector512.LessThanOrEqual(z, Vector512<double>.Zero), z * Vector512.Create(NegativeSlope), z);
    }

    /// <summary>1 or 0.01.</summary>
    public readonly struct Slope : ILaneFunction2
    {
        /// <inheritdoc/>
        public static Vector256<double> Apply(Vector256<double> z, Vector256<double> h) =>
            Vector256.ConditionalSelect(Vector256.GreaterThan(z, Vector256<double>.Zero), Vector256<double>.One, Vector256.Create(NegativeSlope));
    }
}
