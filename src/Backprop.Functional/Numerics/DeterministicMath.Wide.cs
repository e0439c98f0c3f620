using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Backprop.Functional.Numerics;

// The eight-lane forms: the four-lane code with every Vector256 read as Vector512, operation for
// operation, so each lane gets the same bits on either width. They are written out rather than
// shared through a generic vector type because the JIT folds the constants into embedded
// broadcasts only in direct Vector256/Vector512 code: a generic version ran 24% slower.
public static partial class DeterministicMath
{
    /// <summary>e^x on eight lanes: each lane the bits of the four-lane form.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Exp(Vector512<double> x)
    {
        var clamped = Vector512.Min(Vector512.Max(x, Vector512.Create(ExpUnderflow)), Vector512.Create(ExpOverflow));
        var shifted = Vector512.FusedMultiplyAdd(clamped, Vector512.Create(Log2E), Vector512.Create(RoundingShift));
        var n = shifted - Vector512.Create(RoundingShift);
        var r = Vector512.FusedMultiplyAdd(-n, Vector512.Create(Ln2Hi), clamped);
        r = Vector512.FusedMultiplyAdd(-n, Vector512.Create(Ln2Lo), r);
        var p = ExpTaylor(r);

        // n lives in the low mantissa bits of 'shifted' offset by 2^51; scale by 2^n in two
        // halves so that subnormal results round once and 2^1024 overflows cleanly.
        var nInt = (shifted.AsInt64() & Vector512.Create(0xF_FFFF_FFFF_FFFFL)) - Vector512.Create(1L << 51);
        var half = Vector512.ShiftRightArithmetic(nInt, 1);
        var rest = nInt - half;
        var result = p * PowerOfTwo(half) * PowerOfTwo(rest);
        return Vector512.ConditionalSelect(Vector512.Equals(x, x), result, x);
    }

    /// <summary>e^x − 1 on eight lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Expm1(Vector512<double> x)
    {
        var small = Vector512.LessThan(Vector512.Abs(x), Vector512.Create(Expm1SeriesLimit));
        // Σ_{k=1..14} x^k / k!: beyond the limit the subtraction below loses nothing.
        var q = Vector512.Create(1.0 / 87178291200.0);
        q = Vector512.FusedMultiplyAdd(q, x, Vector512.Create(1.0 / 6227020800.0));
        q = Vector512.FusedMultiplyAdd(q, x, Vector512.Create(1.0 / 479001600.0));
        q = Vector512.FusedMultiplyAdd(q, x, Vector512.Create(1.0 / 39916800.0));
        q = Vector512.FusedMultiplyAdd(q, x, Vector512.Create(1.0 / 3628800.0));
        q = Vector512.FusedMultiplyAdd(q, x, Vector512.Create(1.0 / 362880.0));
        q = Vector512.FusedMultiplyAdd(q, x, Vector512.Create(1.0 / 40320.0));
        q = Vector512.FusedMultiplyAdd(q, x, Vector512.Create(1.0 / 5040.0));
        q = Vector512.FusedMultiplyAdd(q, x, Vector512.Create(1.0 / 720.0));
        q = Vector512.FusedMultiplyAdd(q, x, Vector512.Create(1.0 / 120.0));
        q = Vector512.FusedMultiplyAdd(q, x, Vector512.Create(1.0 / 24.0));
        q = Vector512.FusedMultiplyAdd(q, x, Vector512.Create(1.0 / 6.0));
        q = Vector512.FusedMultiplyAdd(q, x, Vector512.Create(0.5));
        var series = Vector512.FusedMultiplyAdd(q * x, x, x);
        var viaExp = Exp(x) - Vector512<double>.One;
        return Vector512.ConditionalSelect(small, series, viaExp);
    }

    /// <summary>tanh on eight lanes, computed as t / (t + 2) with t = expm1(2|x|).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Tanh(Vector512<double> x)
    {
        var sign = x.AsUInt64() & Vector512.Create(0x8000_0000_0000_0000UL);
        var magnitude = Vector512.Min(Vector512.Abs(x), Vector512.Create(TanhSaturation));
        var t = Expm1(magnitude + magnitude);
        var unsigned = t / (t + Vector512.Create(2.0));
        var result = (unsigned.AsUInt64() | sign).AsDouble();
        return Vector512.ConditionalSelect(Vector512.Equals(x, x), result, x);
    }

    /// <summary>1 / (1 + e^−x) on eight lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Sigmoid(Vector512<double> x) =>
        Vector512<double>.One / (Vector512<double>.One + Exp(-x));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<double> ExpTaylor(Vector512<double> r)
    {
        // Σ_{k=0..13} r^k / k! on |r| ≤ ln2/2: the truncation error is below 1e-17.
        var p = Vector512.Create(1.0 / 6227020800.0);
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(1.0 / 479001600.0));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(1.0 / 39916800.0));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(1.0 / 3628800.0));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(1.0 / 362880.0));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(1.0 / 40320.0));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(1.0 / 5040.0));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(1.0 / 720.0));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(1.0 / 120.0));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(1.0 / 24.0));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(1.0 / 6.0));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(0.5));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512<double>.One);
        return Vector512.FusedMultiplyAdd(p, r, Vector512<double>.One);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<double> PowerOfTwo(Vector512<long> exponent) =>
        Vector512.ShiftLeft(exponent + Vector512.Create(1023L), 52).AsDouble();
}
