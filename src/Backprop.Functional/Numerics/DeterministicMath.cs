using System.Runtime.CompilerServices;

namespace Backprop.Functional.Numerics;

/// <summary>
/// exp, expm1, log, tanh and sigmoid built only from IEEE-754 operations that are correctly
/// rounded everywhere (+, −, ×, ÷, fused multiply-add, bit manipulation).
/// </summary>
/// <remarks>
/// <see cref="Math.Exp"/> and friends call the C runtime, whose last bit may differ between
/// libraries and machines, and .NET's vectorised versions differ from the scalar ones. Replays
/// must be bit-identical on any x64 machine, so every transcendental the training path uses
/// comes from here. Each is written once over <see cref="IReal{T}"/>, so four lanes and eight
/// lanes run the same operations on every lane, and the scalar entry points run the four-lane
/// code on one lane: no two forms can disagree. Accuracy is within about one unit in the last
/// place of the correctly rounded result (tests compare against the runtime).
/// </remarks>
public static class DeterministicMath
{
    // Cody–Waite split of ln 2: n·Ln2Hi is exact for the |n| ≤ 1100 that occur here.
    private const double Ln2Hi = 6.93147180369123816490e-01;
    private const double Ln2Lo = 1.90821492927058770002e-10;
    private const double Log2E = 1.4426950408889634;
    // Adding 1.5·2^52 rounds a double to an integer held in the low mantissa bits.
    private const double RoundingShift = 6755399441055744.0;
    private const double ExpOverflow = 710.0;
    private const double ExpUnderflow = -746.0;
    // Below this magnitude expm1 uses its own series instead of exp(x) − 1.
    private const double Expm1SeriesLimit = 0.34657359027997264;
    // tanh(22) rounds to 1; clamping keeps expm1(2|x|) finite.
    private const double TanhSaturation = 22.0;

    /// <summary>e^x, correctly handling ±∞, NaN, overflow and gradual underflow.</summary>
    public static double Exp(double x) => Exp((Lanes4)x).First;

    /// <summary>e^x − 1, accurate near zero.</summary>
    public static double Expm1(double x) => Expm1((Lanes4)x).First;

    /// <summary>Hyperbolic tangent.</summary>
    public static double Tanh(double x) => Tanh((Lanes4)x).First;

    /// <summary>The logistic function 1 / (1 + e^−x) (<see cref="Functional.Sigmoid"/>'s).</summary>
    public static double Sigmoid(double x) => Functional.Sigmoid.Function.Value((Lanes4)x).First;

    /// <summary>e^x on every number of <paramref name="x"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Exp<T>(T x) where T : struct, IReal<T>
    {
        // The constants go first: where x is NaN, Max and Min return their second operand, x.
        var clamped = T.Min(ExpOverflow, T.Max(ExpUnderflow, x));
        var shifted = T.MultiplyAdd(clamped, Log2E, RoundingShift);
        var n = shifted - RoundingShift;
        var r = T.MultiplyAdd(-n, Ln2Hi, clamped);
        r = T.MultiplyAdd(-n, Ln2Lo, r);
        var p = ExpTaylor(r);

        // n lives in the low mantissa bits of 'shifted' offset by 2^51; scale by 2^n in two
        // halves so that subnormal results round once and 2^1024 overflows cleanly.
        var nInt = T.SubtractBits(shifted & T.FromBits(0xF_FFFF_FFFF_FFFFL), T.FromBits(1L << 51));
        var half = T.ShiftRightBits(nInt, 1);
        var rest = T.SubtractBits(nInt, half);
        var result = p * PowerOfTwo(half) * PowerOfTwo(rest);
        return T.Select(T.Equal(x, x), result, x);
    }

    /// <summary>e^x − 1 on every number of <paramref name="x"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Expm1<T>(T x) where T : struct, IReal<T>
    {
        var small = T.Abs(x) < Expm1SeriesLimit;
        // Σ_{k=1..14} x^k / k!: beyond the limit the subtraction below loses nothing.
        T q = 1.0 / 87178291200.0;
        q = T.MultiplyAdd(q, x, 1.0 / 6227020800.0);
        q = T.MultiplyAdd(q, x, 1.0 / 479001600.0);
        q = T.MultiplyAdd(q, x, 1.0 / 39916800.0);
        q = T.MultiplyAdd(q, x, 1.0 / 3628800.0);
        q = T.MultiplyAdd(q, x, 1.0 / 362880.0);
        q = T.MultiplyAdd(q, x, 1.0 / 40320.0);
        q = T.MultiplyAdd(q, x, 1.0 / 5040.0);
        q = T.MultiplyAdd(q, x, 1.0 / 720.0);
        q = T.MultiplyAdd(q, x, 1.0 / 120.0);
        q = T.MultiplyAdd(q, x, 1.0 / 24.0);
        q = T.MultiplyAdd(q, x, 1.0 / 6.0);
        q = T.MultiplyAdd(q, x, 0.5);
        var series = T.MultiplyAdd(q * x, x, x);
        var viaExp = Exp(x) - T.One;
        return T.Select(small, series, viaExp);
    }

    /// <summary>tanh on every number of <paramref name="x"/>, computed as t / (t + 2) with t = expm1(2|x|).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Tanh<T>(T x) where T : struct, IReal<T>
    {
        var sign = x & T.FromBits(long.MinValue);
        var magnitude = T.Min(TanhSaturation, T.Abs(x));
        var t = Expm1(magnitude + magnitude);
        var unsigned = t / (t + 2.0);
        return T.Select(T.Equal(x, x), unsigned | sign, x);
    }

    /// <summary>Natural logarithm (fdlibm's algorithm): log(0) = −∞, log(x &lt; 0) = NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double Log(double x)
    {
        const double sqrtHalf = 0.70710678118654752440;
        if (double.IsNaN(x) || x < 0) return double.NaN;
        if (x == 0) return double.NegativeInfinity;
        if (double.IsPositiveInfinity(x)) return x;

        var k = 0;
        if (x < double.Epsilon * (1L << 52))
        {
            x *= 18014398509481984.0; // 2^54 lifts subnormals into the normal range
            k = -54;
        }
        var bits = BitConverter.DoubleToInt64Bits(x);
        k += (int)((bits >> 52) & 0x7FF) - 1023;
        var m = BitConverter.Int64BitsToDouble((bits & 0xF_FFFF_FFFF_FFFFL) | 0x3FF0_0000_0000_0000L);
        if (m > 2 * sqrtHalf)
        {
            m *= 0.5;
            k += 1;
        }

        var f = m - 1.0;
        var s = f / (2.0 + f);
        var z = s * s;
        var w = z * z;
        var t1 = w * (3.999999999940941908e-01 + w * (2.222219843214978396e-01 + w * 1.531383769920937332e-01));
        var t2 = z * (6.666666666666735130e-01 + w * (2.857142874366239149e-01 + w * (1.818357216161805012e-01 + w * 1.479819860511658591e-01)));
        var r = t2 + t1;
        var halfSquare = 0.5 * f * f;
        return k * Ln2Hi - ((halfSquare - (s * (halfSquare + r) + k * Ln2Lo)) - f);
    }

    /// <summary>log(1 + x), accurate for tiny x.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double Log1p(double x)
    {
        var u = 1.0 + x;
        // The rounding error of 1 + x is undone by the ratio x / (u − 1) (Goldberg's trick).
        return u == 1.0 ? x : Log(u) * (x / (u - 1.0));
    }

    /// <summary>softplus(x) = log(1 + e^x), stable for large |x|.</summary>
    public static double Softplus(double x) =>
        double.IsNaN(x) ? x : Math.Max(x, 0.0) + Log1p(Exp(-Math.Abs(x)));

    /// <summary><see cref="Softplus(double)"/> of every number of <paramref name="x"/> (one at a time: the logarithm has no vector form).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Softplus<T>(T x) where T : struct, IReal<T> => T.EachNumber<SoftplusOfOne>(x);

    private readonly struct SoftplusOfOne : IScalarFunction
    {
        public static double Apply(double x) => Softplus(x);
    }

    /// <summary>x^n for a whole n ≥ 0 by repeated squaring: exact inputs give the same bits everywhere.</summary>
    public static double PowInt(double x, long n)
    {
        if (n < 0) throw new ArgumentOutOfRangeException(nameof(n));
        var result = 1.0;
        while (n > 0)
        {
            if ((n & 1) != 0) result *= x;
            x *= x;
            n >>= 1;
        }
        return result;
    }

    /// <summary>cos(π·u) for u in [0, 1], by Taylor series after folding into [0, π/4].</summary>
    public static double CosPi(double u)
    {
        if (double.IsNaN(u) || u < 0 || u > 1) throw new ArgumentOutOfRangeException(nameof(u));
        var negate = u > 0.5;
        if (negate) u = 1 - u;
        // now u in [0, 1/2]: cos(πu) = sin(π(1/2 − u)) when u > 1/4
        var useSine = u > 0.25;
        var x = Math.PI * (useSine ? 0.5 - u : u);
        var x2 = x * x;
        double series;
        if (useSine)
        {
            // Σ (−1)^k x^(2k+1)/(2k+1)!, k ≤ 9
            var s = 1.0 / 121645100408832000.0;
            s = 1.0 / 355687428096000.0 - x2 * s;
            s = 1.0 / 1307674368000.0 - x2 * s;
            s = 1.0 / 6227020800.0 - x2 * s;
            s = 1.0 / 39916800.0 - x2 * s;
            s = 1.0 / 362880.0 - x2 * s;
            s = 1.0 / 5040.0 - x2 * s;
            s = 1.0 / 120.0 - x2 * s;
            s = 1.0 / 6.0 - x2 * s;
            series = x - x * x2 * s;
        }
        else
        {
            // Σ (−1)^k x^(2k)/(2k)!, k ≤ 9
            var c = 1.0 / 6402373705728000.0;
            c = 1.0 / 20922789888000.0 - x2 * c;
            c = 1.0 / 87178291200.0 - x2 * c;
            c = 1.0 / 479001600.0 - x2 * c;
            c = 1.0 / 3628800.0 - x2 * c;
            c = 1.0 / 40320.0 - x2 * c;
            c = 1.0 / 720.0 - x2 * c;
            c = 1.0 / 24.0 - x2 * c;
            c = 0.5 - x2 * c;
            series = 1.0 - x2 * c;
        }
        return negate ? -series : series;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T ExpTaylor<T>(T r) where T : struct, IReal<T>
    {
        // Σ_{k=0..13} r^k / k! on |r| ≤ ln2/2: the truncation error is below 1e-17.
        T p = 1.0 / 6227020800.0;
        p = T.MultiplyAdd(p, r, 1.0 / 479001600.0);
        p = T.MultiplyAdd(p, r, 1.0 / 39916800.0);
        p = T.MultiplyAdd(p, r, 1.0 / 3628800.0);
        p = T.MultiplyAdd(p, r, 1.0 / 362880.0);
        p = T.MultiplyAdd(p, r, 1.0 / 40320.0);
        p = T.MultiplyAdd(p, r, 1.0 / 5040.0);
        p = T.MultiplyAdd(p, r, 1.0 / 720.0);
        p = T.MultiplyAdd(p, r, 1.0 / 120.0);
        p = T.MultiplyAdd(p, r, 1.0 / 24.0);
        p = T.MultiplyAdd(p, r, 1.0 / 6.0);
        p = T.MultiplyAdd(p, r, 0.5);
        p = T.MultiplyAdd(p, r, T.One);
        return T.MultiplyAdd(p, r, T.One);
    }

    /// <summary>2^e for whole exponents −1022 ≤ e ≤ 1023 held as 64-bit integers.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T PowerOfTwo<T>(T exponent) where T : struct, IReal<T> =>
        T.ShiftLeftBits(T.AddBits(exponent, T.FromBits(1023)), 52);
}
