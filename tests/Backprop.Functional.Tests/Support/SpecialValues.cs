using FsCheck;
using FsCheck.Fluent;

namespace Backprop.Functional.Tests.Support;

/// <summary>Doubles whose bits are easiest to get wrong, mixed with ordinary ones.</summary>
public static class SpecialValues
{
    /// <summary>NaNs of both signs, quiet and signalling, with and without a payload.</summary>
    public static readonly double[] NaNs =
    [
        double.NaN, -double.NaN,
        BitConverter.Int64BitsToDouble(0x7FF0_0000_0000_0123), BitConverter.Int64BitsToDouble(0x7FF8_0000_0000_0456),
        BitConverter.Int64BitsToDouble(unchecked((long)0xFFF4_0000_0000_0789)),
    ];

    /// <summary>±∞, ±0, subnormals, the extremes and the edges of exp and tanh.</summary>
    public static readonly double[] Others =
    [
        double.PositiveInfinity, double.NegativeInfinity, 0.0, -0.0,
        double.Epsilon, -double.Epsilon, BitConverter.Int64BitsToDouble(0x000F_FFFF_FFFF_FFFF), -1e-310,
        double.MaxValue, double.MinValue, 709.78, 710, -745.1, -746, 22, -22, 0.34657359027997264, -1e-300,
    ];

    /// <summary>
    /// One value in three special, the rest in [−40, 40]; every NaN is <paramref name="nan"/>. (Where
    /// two NaNs meet in a sum or a product, x86 keeps the first operand's, and the compiler may
    /// order such operands either way: one NaN per case keeps that choice out of the laws.)
    /// </summary>
    public static Gen<double> Values(double nan) => Gen.Frequency(
        (12, Gen.Choose(-40_000, 40_000).Select(i => i / 1000.0)),
        (5, Gen.Elements(Others)),
        (1, Gen.Constant(nan)));

    /// <summary>Batch sizes that take every path of the kernels: one row, rows in fours and eights, and the rest.</summary>
    public static Gen<int> Rows { get; } = Gen.Elements(1, 2, 3, 4, 5, 7, 8, 9, 12, 16, 17, 24);
}
