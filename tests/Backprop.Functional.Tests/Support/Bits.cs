using Backprop.Functional.Numerics;
using MathNet.Numerics.LinearAlgebra;

namespace Backprop.Functional.Tests.Support;

/// <summary>Bit-level snapshots and comparisons of values, for purity and determinism checks.</summary>
public static class Bits
{
    /// <summary>A deep copy of every double a network holds, in a fixed order.</summary>
    public static double[] Of(Network network) =>
        network.Layers.SelectMany(l => Dense.Data(l.Weight).Concat(Dense.Data(l.Bias))).ToArray();

    /// <summary>A deep copy of every double a gradient value holds, in a fixed order.</summary>
    public static double[] Of(Gradients gradients) =>
        gradients.Layers.SelectMany(l => Dense.Data(l.Weight).Concat(Dense.Data(l.Bias))).ToArray();

    /// <summary>A deep copy of every double a trace holds.</summary>
    public static double[] Of(ForwardTrace trace) =>
        Dense.Data(trace.Input).Concat(trace.Layers.SelectMany(l => Dense.Data(l.PreActivation).Concat(Dense.Data(l.Activation)))).ToArray();

    /// <summary>A deep copy of a matrix's storage.</summary>
    public static double[] Of(Matrix<double> matrix) => (double[])Dense.Data(matrix).Clone();

    /// <summary>Same length and the same bits everywhere.</summary>
    public static bool Same(double[] a, double[] b) => Dense.BitEqual(a, b);

    /// <summary>The same bits (so NaN payloads and the sign of zero count).</summary>
    public static bool Same(double a, double b) => BitConverter.DoubleToInt64Bits(a) == BitConverter.DoubleToInt64Bits(b);
}
